"""Small-cell suppression of the research cohort aggregates (``GET /api/research/cohort``).

Rule (``SUPPRESSION_RULE``), from the CMS cell size suppression policy (CMS Data Use Agreement;
ResDAC, "CMS Cell Size Suppression Policy"): no cell (e.g. admissions, discharges, patients,
services) containing a value from 1 to 10 may be displayed, nor a value from which such a cell
can be derived (percentages, means, totals and complementary cells included). Here:

* primary suppression: every count from 1 to 10 becomes ``None`` (0 and counts of 11 or more
  are shown);
* complementary suppression: in a group of cells that add up to a shown total (SLEDAI-2K bands,
  LLDAS and DORIS met / not met / not assessed, patients by therapy, synthetic and
  non-synthetic patients, adherence below and at or above 80%), a single suppressed cell could
  be recomputed as the total minus the others, so the smallest other cell that is not zero (or,
  failing that, the smallest other cell) is suppressed as well; a total from 1 to 10 hides
  every cell of its group;
* derived values: a mean over 1 to 10 patients is suppressed with its count.

Suppressed cells are ``None`` (JSON ``null``); the answer names the rule, its source and the
suppressed cells.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MIN_CELL", "SUPPRESSION_RULE", "SUPPRESSION_SOURCE", "suppress_cohort"]

MIN_CELL = 11  # the smallest count shown (CMS: values from 1 to 10 are suppressed)
SUPPRESSION_SOURCE = (
    "CMS cell size suppression policy (CMS Data Use Agreement; ResDAC, 'CMS Cell Size "
    "Suppression Policy'): no cell (e.g. admissions, discharges, patients, services) containing "
    "a value from 1 to 10 may be displayed, nor values from which it can be derived"
)
SUPPRESSION_RULE = (
    "counts from 1 to 10 are null; so is the smallest other cell of a group whose total is "
    "shown when only one cell of the group is suppressed (complementary suppression), and a "
    "mean over 1 to 10 patients"
)


def _small(n: int | None) -> bool:
    return n is not None and 0 < n < MIN_CELL


class _Cells:
    """Counts addressed by path, with the suppressed ones remembered."""

    def __init__(self) -> None:
        self.hidden: set[str] = set()

    def primary(self, path: str, n: int | None) -> None:
        if _small(n):
            self.hidden.add(path)

    def group(self, total: int | None, cells: dict[str, int]) -> None:
        """``cells`` (path -> count) add up to ``total``; a cell of the group that is not
        shown must not be recomputable from the others."""
        if _small(total):
            self.hidden.update(path for path, n in cells.items() if n)
            return
        for path, n in cells.items():
            self.primary(path, n)
        hidden = [p for p in cells if p in self.hidden]
        if len(hidden) == 1:
            others = [(n == 0, n, p) for p, n in cells.items() if p not in self.hidden]
            if others:
                self.hidden.add(min(others)[2])


def suppress_cohort(cohort: dict[str, Any]) -> dict[str, Any]:
    """``cohort`` (``lupus.store.clinic.cohort_summary`` before suppression) with its small
    cells suppressed (see the module). Non-count values other than means are unchanged."""
    cells = _Cells()
    total = cohort["patients"]
    cells.primary("patients", total)
    synthetic = cohort["synthetic_patients"]
    # the non-synthetic count is implied (patients - synthetic): a hidden member of the pair
    cells.group(
        total, {"synthetic_patients": synthetic, "~non_synthetic_patients": total - synthetic}
    )
    cells.group(total, {f"by_therapy.{k}": n for k, n in cohort["by_therapy"].items()})
    for name in ("sledai_2k_bands", "lldas", "doris"):
        cells.group(total, {f"{name}.{k}": n for k, n in cohort[name].items()})
    adherence_groups = [("adherence", cohort["adherence"])] + [
        (f"adherence_by_therapy.{t}", stats) for t, stats in cohort["adherence_by_therapy"].items()
    ]
    for prefix, stats in adherence_groups:
        n, below = stats["patients"], stats["below_80_percent"]
        cells.primary(f"{prefix}.patients", n)
        cells.group(n, {f"{prefix}.below_80_percent": below, f"~{prefix}.at_least_80": n - below})
        if f"{prefix}.patients" in cells.hidden:
            cells.hidden.add(f"{prefix}.mean")
    for k, n in cohort["plan_changes"].items():
        cells.primary(f"plan_changes.{k}", n)
    cells.primary("current_plans", cohort["current_plans"])

    def shown(path: str, value: Any) -> Any:
        return None if path in cells.hidden else value

    out: dict[str, Any] = {
        "patients": shown("patients", total),
        "synthetic_patients": shown("synthetic_patients", synthetic),
    }
    for name in ("by_therapy", "sledai_2k_bands", "lldas", "doris", "plan_changes"):
        out[name] = {k: shown(f"{name}.{k}", n) for k, n in cohort[name].items()}
    for prefix, stats in adherence_groups:
        target = out if prefix == "adherence" else out.setdefault("adherence_by_therapy", {})
        key = "adherence" if prefix == "adherence" else prefix.split(".", 1)[1]
        target[key] = {k: shown(f"{prefix}.{k}", v) for k, v in stats.items()}
    out.setdefault("adherence_by_therapy", {})
    out["current_plans"] = shown("current_plans", cohort["current_plans"])
    out["suppression"] = {
        "rule": SUPPRESSION_RULE,
        "source": SUPPRESSION_SOURCE,
        "min_cell": MIN_CELL,
        "suppressed": sorted(p for p in cells.hidden if not p.startswith("~")),
    }
    return {k: out[k] for k in (*cohort, "suppression")}
