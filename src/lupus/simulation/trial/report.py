"""HTML report of a virtual trial: self-contained, figures as inline SVG (matplotlib, no JS).

Sections: the protocol and run (model version, seed, patients per arm); the baseline table of the
virtual population against the protocol's targets (with the defaults used); each endpoint per arm
over the visits with 95% Monte-Carlo bands and the published values; a forest plot of simulated
against published values; dropouts and failed solves.
"""

from __future__ import annotations

import html
import io
import math
from typing import Any

from lupus.simulation.trial.engine import BASELINE_ROWS
from lupus.simulation.trial.protocol import endpoint_kind
from lupus.simulation.trial.result import TrialResult

__all__ = ["render_report"]

_DISCLAIMER = (
    "Model output for research and education; not a medical device and not a prediction for any "
    "individual patient."
)
_LABELS = {
    "sledai_mean": "SLEDAI, mean (entry version)",
    "sledai_sd": "SLEDAI, SD",
    "anti_dsdna_positive": "anti-dsDNA positive",
    "low_c3": "low C3",
    "low_c4": "low C4",
    "ifngs_high": "IFN gene signature high",
    "bilag_1a_or_2b": "BILAG >= 1 A or >= 2 B",
    "prednisone_users": "prednisone users",
    "prednisone_mg_mean": "prednisone mg/day (users), mean",
    "immunosuppressant_users": "immunosuppressant users",
    "antimalarial_users": "antimalarial users",
    "age_mean": "age, mean (years)",
    "female": "female",
    "upcr_mean": "UPCR, mean (g/g)",
    "egfr_mean": "eGFR, mean (mL/min/1.73 m2)",
}


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _fmt(x: float | None, kind: str = "proportion") -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    if kind == "proportion":
        return f"{100 * x:.1f}%"
    return f"{x:.3g}"


def _is_fraction(row: str) -> bool:
    return row not in {
        "sledai_mean",
        "sledai_sd",
        "prednisone_mg_mean",
        "age_mean",
        "upcr_mean",
        "egfr_mean",
    }


def _baseline_table(result: TrialResult) -> str:
    head = "".join(f"<th>{html.escape(a.name)}</th>" for a in result.arms)
    rows = []
    for row in BASELINE_ROWS:
        kind = "proportion" if _is_fraction(row) else "number"
        target = result.targets.get(row)
        cells = "".join(f"<td>{_fmt(a.baseline.get(row), kind)}</td>" for a in result.arms)
        rows.append(
            f"<tr><th scope='row'>{html.escape(_LABELS[row])}</th>"
            f"<td>{_fmt(target, kind) if target is not None else 'not set'}</td>{cells}</tr>"
        )
    return (
        "<table><thead><tr><th>Baseline characteristic</th><th>Protocol target</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _timecourse_figures(result: TrialResult) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    ids = list(dict.fromkeys(e.id for e in result.protocol.all_endpoints))
    published = result.protocol.published
    for eid in ids:
        kind = endpoint_kind(eid)
        scale = 100.0 if kind == "proportion" else 1.0
        fig, ax = plt.subplots(figsize=(7.0, 3.6))
        for k, arm in enumerate(result.arms):
            series = arm.timecourse.get(eid, [])
            if not series:
                continue
            weeks = [w for w, _ in series]
            values = [s.value * scale for _, s in series]
            lo = [s.ci95[0] * scale for _, s in series]
            hi = [s.ci95[1] * scale for _, s in series]
            color = f"C{k}"
            ax.plot(weeks, values, marker="o", ms=3, color=color, label=f"{arm.name} (simulated)")
            ax.fill_between(weeks, lo, hi, color=color, alpha=0.2, linewidth=0)
            for p in published:
                if p.arm == arm.name and p.endpoint == eid:
                    interval = next(
                        (
                            c.published_ci95
                            for c in result.comparisons
                            if c.arm == p.arm and c.key == p.key
                        ),
                        None,
                    )
                    if interval is not None:
                        yerr = [
                            [(p.value - interval[0]) * scale],
                            [(interval[1] - p.value) * scale],
                        ]
                    else:
                        yerr = None
                    ax.errorbar(
                        [p.week],
                        [p.value * scale],
                        yerr=yerr,
                        fmt="s",
                        color=color,
                        mfc="white",
                        capsize=3,
                    )
        ax.set_xlabel("week")
        unit = (
            "% of patients"
            if kind == "proportion"
            else ("median % change" if kind == "median" else "mean")
        )
        ax.set_ylabel(f"{eid} ({unit})")
        ax.set_title(f"{eid}: simulated (line, 95% band) and published (square, 95% CI)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
        out.append(
            f"<figure>{_svg(fig)}<figcaption>{html.escape(eid)} over the visits"
            "</figcaption></figure>"
        )
        plt.close(fig)
    return out


def _forest(result: TrialResult) -> str:
    if not result.comparisons:
        return "<p>The protocol lists no published values.</p>"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    comps = result.comparisons
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(comps) + 1.2))
    labels = []
    for i, c in enumerate(comps):
        y = len(comps) - i
        scale = 100.0 if endpoint_kind(c.key.split("@")[0]) == "proportion" else 1.0
        if c.published_ci95 is not None:
            ax.plot(
                [c.published_ci95[0] * scale, c.published_ci95[1] * scale],
                [y + 0.12] * 2,
                color="black",
            )
        ax.plot([c.published * scale], [y + 0.12], "s", color="black", mfc="white")
        s = c.simulated
        if math.isfinite(s.value):
            ax.plot([s.ci95[0] * scale, s.ci95[1] * scale], [y - 0.12] * 2, color="C3")
            ax.plot([s.value * scale], [y - 0.12], "o", color="C3")
        labels.append((y, f"{c.arm} | {c.key}"))
    ax.set_yticks([y for y, _ in labels], [t for _, t in labels], fontsize=7)
    ax.set_xlabel("value (% for proportions)")
    ax.set_title("published (black square, 95% CI) vs simulated (red dot, 95% MC interval)")
    ax.grid(axis="x", alpha=0.3)
    svg = _svg(fig)
    plt.close(fig)
    rows = []
    for c in comps:
        kind = endpoint_kind(c.key.split("@")[0])
        ci = c.published_ci95
        within = {True: "yes", False: "<strong>no</strong>", None: "no interval"}[c.within]
        rows.append(
            f"<tr><td>{html.escape(c.arm)}</td><td>{html.escape(c.key)}</td>"
            f"<td>{_fmt(c.published, kind)} (n={c.n})</td>"
            f"<td>{'n/a' if ci is None else _fmt(ci[0], kind) + ' to ' + _fmt(ci[1], kind)}</td>"
            f"<td>{_fmt(c.simulated.value, kind)} ({_fmt(c.simulated.ci95[0], kind)} to "
            f"{_fmt(c.simulated.ci95[1], kind)})</td><td>{within}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>Arm</th><th>Endpoint</th><th>Published</th><th>Published 95% CI</th>"
        "<th>Simulated (95% MC)</th><th>Within</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return f"<figure>{svg}<figcaption>Forest plot</figcaption></figure>{table}"


def _endpoint_table(result: TrialResult) -> str:
    keys = [e.key for e in result.protocol.all_endpoints]
    head = "".join(f"<th>{html.escape(a.name)} (n={a.n})</th>" for a in result.arms)
    rows = []
    for key in keys:
        kind = endpoint_kind(key.split("@")[0])
        cells = []
        for arm in result.arms:
            s = arm.endpoints.get(key)
            if s is None or not math.isfinite(s.value):
                note = arm.notes.get(key, "not available")
                cells.append(f"<td>{html.escape(note)}</td>")
            else:
                cells.append(
                    f"<td>{_fmt(s.value, kind)} ({_fmt(s.ci95[0], kind)} to "
                    f"{_fmt(s.ci95[1], kind)})</td>"
                )
        rows.append(f"<tr><th scope='row'>{html.escape(key)}</th>{''.join(cells)}</tr>")
    return (
        f"<table><thead><tr><th>Endpoint@week</th>{head}</tr></thead><tbody>{''.join(rows)}"
        "</tbody></table>"
    )


def render_report(result: TrialResult) -> str:
    """The whole report as one HTML document."""
    p = result.protocol
    defaults = (
        "".join(
            f"<li><code>{html.escape(k)}</code> = {html.escape(str(v))}</li>"
            for k, v in result.defaults.items()
        )
        or "<li>none</li>"
    )
    drops = "".join(
        f"<tr><th scope='row'>{html.escape(a.name)}</th>"
        + "".join(
            f"<td>{a.dropouts.get(r, 0)}</td>"
            for r in ("lack_of_efficacy", "adverse_event", "other")
        )
        + f"<td>{a.failed_solves}</td></tr>"
        for a in result.arms
    )
    pilot = result.pilot
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Virtual trial: {html.escape(p.name)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}"
        "table{border-collapse:collapse;margin:1rem 0}"
        "td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;font-size:.9rem}"
        "figure{margin:1rem 0}svg{max-width:100%;height:auto}</style>",
        "</head><body>",
        f"<h1>Virtual trial: {html.escape(p.name)}</h1>",
        f"<p role='note'><strong>{html.escape(_DISCLAIMER)}</strong></p>",
        "<ul>",
        f"<li>Source: {html.escape(p.source or 'not given')}</li>",
        f"<li>Model version: <code>{html.escape(result.model_version)}</code></li>",
        f"<li>Seed: <code>{result.seed}</code>; "
        f"virtual patients per arm: {result.patients_per_arm}</li>",
        f"<li>Weeks: {p.weeks}; visits at weeks {', '.join(str(w) for w in p.visit_weeks)}</li>",
        f"<li>Plausible patients screened: {result.screened}; pilot pool {int(pilot['pool'])}, "
        f"eligible {int(pilot['eligible'])}, effective sample size of the weights "
        f"{pilot['effective_sample_size']}, acceptance {pilot['acceptance']}</li>",
        "</ul>",
        "<h2>Baseline: virtual population against the protocol</h2>",
        _baseline_table(result),
        "<h3>Defaults used (keys the protocol left out)</h3>",
        f"<ul>{defaults}</ul>",
        "<h2>Endpoints</h2>",
        _endpoint_table(result),
        *_timecourse_figures(result),
        "<h2>Simulated against published</h2>",
        _forest(result),
        "<h2>Discontinuations and failed solves</h2>",
        "<table><thead><tr><th>Arm</th><th>Lack of efficacy</th><th>Adverse event</th>"
        "<th>Other</th>"
        f"<th>Failed solves</th></tr></thead><tbody>{drops}</tbody></table>",
        "</body></html>",
    ]
    return "\n".join(parts)
