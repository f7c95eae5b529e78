"""SLEDAI-2K (Gladman 2002), with SELENA-SLEDAI and Hybrid SLEDAI as named versions.

The 24 descriptors, their weights and the lab rules live in ``data/sledai2k.toml`` (every row
names its glossary item). The score is the sum of the weights of the descriptors present at the
visit or in the preceding 10 days; ``clinical_score`` leaves out the two serological items.

Descriptors may also be derived from measured values (the ``labs`` object) and from a joint count;
derived descriptors are added to the listed ones (a union, never a subtraction).

>>> result = score_sledai2k(["arthritis", "low_complement", "increased_dna_binding"])
>>> result.score, result.clinical_score
(8, 4)
>>> SLEDAI2K_DESCRIPTORS["seizure"]
8
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from lupus.clinical._check import check_bool, check_int, check_number
from lupus.clinical._data import load_table
from lupus.clinical._parse import Reader, read_id_list
from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = [
    "ARTHRITIS_RULES",
    "DESCRIPTORS",
    "INSTRUMENT",
    "SEROLOGICAL_DESCRIPTORS",
    "SLEDAI2K_DESCRIPTORS",
    "VERSIONS",
    "Descriptor",
    "LabFinding",
    "SledaiInput",
    "SledaiResult",
    "parse",
    "parse_labs",
    "score",
    "score_sledai2k",
    "unverified_wording",
]

_TABLE: Final = load_table("sledai2k")


@dataclass(frozen=True, slots=True)
class Descriptor:
    """One SLEDAI-2K glossary item."""

    id: str
    weight: int
    system: str
    serological: bool
    definition: str
    source: str


DESCRIPTORS: Final[Mapping[str, Descriptor]] = MappingProxyType(
    {
        row["id"]: Descriptor(
            id=row["id"],
            weight=int(row["weight"]),
            system=row["system"],
            serological=bool(row["serological"]),
            definition=row["definition"],
            source=row["source"],
        )
        for row in _TABLE["descriptor"]
    }
)
"""The 24 descriptors in glossary order (Gladman 2002; reference §1.2)."""

SLEDAI2K_DESCRIPTORS: Final[Mapping[str, int]] = MappingProxyType(
    {d.id: d.weight for d in DESCRIPTORS.values()}
)
"""Descriptor id -> weight, in glossary order."""

SEROLOGICAL_DESCRIPTORS: Final[frozenset[str]] = frozenset(
    d.id for d in DESCRIPTORS.values() if d.serological
)
"""The items left out of clinical SLEDAI (reference §1.1, S10/S10b)."""

VERSIONS: Final[tuple[str, ...]] = tuple(_TABLE["versions"])
"""``2k`` (default), ``selena``, ``hybrid``; see ``data/sledai2k.toml`` [versions]."""

ARTHRITIS_RULES: Final[Mapping[str, int]] = MappingProxyType(
    {name: int(rule["minimum_joints"]) for name, rule in _TABLE["arthritis"]["rules"].items()}
)
"""Arthritis rule name -> minimum number of inflamed joints (reference §1.2 #9 conflict)."""

_DEFAULT_ARTHRITIS_RULE: Final[str] = _TABLE["arthritis"]["default_rule"]
_LIMIT_LABS: Final[tuple[dict[str, Any], ...]] = tuple(_TABLE["limit_lab"])
_THRESHOLD_LABS: Final[dict[str, dict[str, Any]]] = {r["key"]: r for r in _TABLE["threshold_lab"]}
_LIMIT_SPECS: Final[dict[str, dict[str, Any]]] = {r["value_key"]: r for r in _LIMIT_LABS}
_PREVIOUS_KEY: Final = "previous_g_24h"  # proteinuria only, needed by the SELENA rule


@dataclass(frozen=True, slots=True)
class LimitLab:
    """A lab compared with the testing laboratory's own limit (C3, C4, CH50, anti-dsDNA)."""

    value_key: str
    value: float
    limit: float

    def __post_init__(self) -> None:
        spec = _LIMIT_SPECS.get(self.value_key) if isinstance(self.value_key, str) else None
        if spec is None:
            raise InstrumentInputError("value_key", self.value_key, _one_of(_LIMIT_SPECS))
        unit = spec["unit"]
        check_number(self.value_key, self.value, minimum=0, unit=unit)
        check_number(spec["limit_key"], self.limit, minimum=0, exclusive_minimum=True, unit=unit)


@dataclass(frozen=True, slots=True)
class ThresholdLab:
    """A lab with a fixed glossary threshold, counted only when attributable to SLE."""

    key: str
    value: float
    attributable_to_sle: bool
    previous: float | None = None

    def __post_init__(self) -> None:
        spec = _THRESHOLD_LABS.get(self.key) if isinstance(self.key, str) else None
        if spec is None:
            raise InstrumentInputError("key", self.key, _one_of(_THRESHOLD_LABS))
        check_number(self.key, self.value, minimum=0, unit=spec["unit"])
        check_bool(f"{self.key}.attributable_to_sle", self.attributable_to_sle)
        if self.previous is not None:
            if spec["descriptor"] != "proteinuria":
                raise InstrumentInputError(
                    f"{self.key}.{_PREVIOUS_KEY}", self.previous, "no such key here"
                )
            check_number(f"{self.key}.{_PREVIOUS_KEY}", self.previous, minimum=0, unit=spec["unit"])


@dataclass(frozen=True, slots=True)
class Labs:
    """Validated measured values (see :func:`parse_labs` for the JSON keys and units)."""

    against_limit: tuple[LimitLab, ...] = ()
    thresholded: tuple[ThresholdLab, ...] = ()

    def __post_init__(self) -> None:
        for name, kind in (("against_limit", LimitLab), ("thresholded", ThresholdLab)):
            items = getattr(self, name)
            if not isinstance(items, tuple) or not all(isinstance(i, kind) for i in items):
                raise InstrumentInputError(f"labs.{name}", items, f"a tuple of {kind.__name__}")


@dataclass(frozen=True, slots=True)
class LabFinding:
    """How one lab value was read: which descriptor it supports and whether it counted."""

    lab: str
    value: float
    unit: str
    rule: str
    descriptor: str
    abnormal: bool
    counted: bool
    note: str

    def to_json(self) -> dict[str, Any]:
        return {
            "lab": self.lab,
            "value": self.value,
            "unit": self.unit,
            "rule": self.rule,
            "descriptor": self.descriptor,
            "abnormal": self.abnormal,
            "counted": self.counted,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class SledaiInput:
    """Listed descriptors plus optional labs and joint count, and the version to apply."""

    descriptors: tuple[str, ...] = ()
    version: str = "2k"
    labs: Labs = field(default_factory=Labs)
    arthritis_joint_count: int | None = None
    arthritis_rule: str = _DEFAULT_ARTHRITIS_RULE

    def __post_init__(self) -> None:
        read_id_list(list(self.descriptors), "descriptors", DESCRIPTORS, what="descriptor ids")
        if self.version not in VERSIONS:
            raise InstrumentInputError("version", self.version, _one_of(VERSIONS))
        if self.arthritis_rule not in ARTHRITIS_RULES:
            raise InstrumentInputError(
                "arthritis_rule", self.arthritis_rule, _one_of(ARTHRITIS_RULES)
            )
        if self.arthritis_joint_count is not None:
            check_int("arthritis_joint_count", self.arthritis_joint_count, minimum=0)
        if not isinstance(self.labs, Labs):
            raise InstrumentInputError("labs", self.labs, "a Labs value (see parse_labs)")
        if _TABLE["versions"][self.version]["proteinuria"] == "new_or_increased":
            for lab in self.labs.thresholded:
                spec = _THRESHOLD_LABS[lab.key]
                if spec["descriptor"] == "proteinuria" and lab.previous is None:
                    raise InstrumentInputError(
                        f"labs.{lab.key}.{_PREVIOUS_KEY}",
                        None,
                        f"a number in g/24 h (the {self.version} proteinuria rule needs the "
                        "previous value: new onset or increase of more than 0.5 g/24 h)",
                        missing=True,
                    )


@dataclass(frozen=True, slots=True)
class SledaiResult:
    """A SLEDAI score with the descriptors that made it, in glossary order."""

    score: int
    clinical_score: int
    descriptors: tuple[tuple[str, int], ...]
    version: str
    derived: tuple[tuple[str, str], ...] = ()
    lab_findings: tuple[LabFinding, ...] = ()

    @property
    def ids(self) -> frozenset[str]:
        """The descriptors that counted."""
        return frozenset(d for d, _ in self.descriptors)

    @property
    def derived_from_labs(self) -> tuple[str, ...]:
        """Descriptors supported by a counted lab value, in glossary order."""
        from_labs = {d for d, source in self.derived if source.startswith("labs.")}
        return tuple(d for d in DESCRIPTORS if d in from_labs)

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "clinical_score": self.clinical_score,
            "descriptors": [{"id": d, "weight": w} for d, w in self.descriptors],
            "version": self.version,
            "derived_from_labs": list(self.derived_from_labs),
            "derived": [{"descriptor": d, "from": source} for d, source in self.derived],
            "lab_findings": [f.to_json() for f in self.lab_findings],
            "unverified": list(unverified_wording(self.version)),
        }


def unverified_wording(version: str) -> tuple[str, ...]:
    """The descriptor wordings of ``version`` tagged U in the reference (§1.3).

    They change how a clinician ticks a descriptor, not how a ticked one is scored, so they are
    reported rather than applied.

    >>> [len(unverified_wording(v)) for v in ("2k", "selena", "hybrid")]
    [0, 5, 5]
    """
    info = _TABLE["versions"][version]
    wording = _TABLE["versions"][info.get("wording_from", version)].get("wording_only", [])
    return tuple(w for w in wording if w.endswith(", U)"))


def _one_of(names: Iterable[str]) -> str:
    return "one of: " + ", ".join(f'"{n}"' for n in names)


def _exceeds(value: float, comparison: str, limit: float) -> bool:
    return value < limit if comparison == "below" else value > limit


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _read_limit_labs(r: Reader) -> list[LimitLab]:
    found = []
    for spec in _LIMIT_LABS:
        if r.has(spec["value_key"]) or r.has(spec["limit_key"]):
            unit = spec["unit"]
            value = r.number(spec["value_key"], minimum=0, unit=unit)
            limit = r.number(spec["limit_key"], minimum=0, exclusive_minimum=True, unit=unit)
            found.append(LimitLab(spec["value_key"], value, limit))
    return found


def _read_threshold_labs(r: Reader) -> list[ThresholdLab]:
    found = []
    for key, spec in _THRESHOLD_LABS.items():
        if not r.has(key):
            continue
        item = r.obj(key)
        value = item.number("value", minimum=0, unit=spec["unit"])
        attributable = item.boolean("attributable_to_sle")
        previous = None
        if spec["descriptor"] == "proteinuria":
            previous = item.optional_number(_PREVIOUS_KEY, minimum=0, unit=spec["unit"])
        item.finish()
        found.append(ThresholdLab(key, value, attributable, previous))
    return found


def parse_labs(data: Any, path: str = "labs") -> Labs:
    """Read the ``labs`` object.

    Keys (all optional; a value needs its limit and vice versa):

    * ``c3_mg_dl`` + ``c3_lower_limit_mg_dl``, ``c4_mg_dl`` + ``c4_lower_limit_mg_dl``,
      ``ch50_u_ml`` + ``ch50_lower_limit_u_ml``: low complement when any is below its limit;
    * ``anti_dsdna_iu_ml`` + ``anti_dsdna_upper_limit_iu_ml``: increased DNA binding when above;
    * ``platelets_10e9_l``, ``wbc_10e9_l``, ``proteinuria_g_24h``, ``urine_rbc_per_hpf``,
      ``urine_wbc_per_hpf``: each ``{"value": x, "attributable_to_sle": bool}``;
      ``proteinuria_g_24h`` also takes ``previous_g_24h`` (needed by the SELENA version).

    >>> parse_labs({"c3_mg_dl": 70, "c3_lower_limit_mg_dl": 90}).against_limit[0].value
    70.0
    """
    r = Reader(data, path)
    labs = Labs(tuple(_read_limit_labs(r)), tuple(_read_threshold_labs(r)))
    r.finish()
    return labs


def parse(data: Any) -> SledaiInput:
    """Read ``{"descriptors": [...], "version"?, "labs"?, "arthritis_joint_count"?, ...}``."""
    r = Reader(data)
    descriptors = r.ids("descriptors", DESCRIPTORS, what="SLEDAI-2K descriptor ids")
    version = r.choice("version", VERSIONS, "2k")
    labs = parse_labs(r.raw("labs", allowed="a JSON object")) if r.has("labs") else Labs()
    joints: int | None = None
    if r.has("arthritis_joint_count"):
        joints = r.integer("arthritis_joint_count", minimum=0)
    rule = r.choice("arthritis_rule", tuple(ARTHRITIS_RULES), _DEFAULT_ARTHRITIS_RULE)
    r.finish()
    return SledaiInput(descriptors, version, labs, joints, rule)


def _evaluate_limit_lab(lab: LimitLab) -> LabFinding:
    spec = next(s for s in _LIMIT_LABS if s["value_key"] == lab.value_key)
    sign = "<" if spec["comparison"] == "below" else ">"
    abnormal = _exceeds(lab.value, spec["comparison"], lab.limit)
    return LabFinding(
        lab=lab.value_key,
        value=lab.value,
        unit=spec["unit"],
        rule=f"{spec['comparison']} the lab's limit ({sign} {_fmt(lab.limit)} {spec['unit']})",
        descriptor=spec["descriptor"],
        abnormal=abnormal,
        counted=abnormal,
        note=spec["source"],
    )


def _evaluate_threshold_lab(lab: ThresholdLab, version: str) -> LabFinding:
    spec = _THRESHOLD_LABS[lab.key]
    sign = "<" if spec["comparison"] == "below" else ">"
    threshold = float(spec["threshold"])
    abnormal = _exceeds(lab.value, spec["comparison"], threshold)
    rule = f"{sign} {_fmt(threshold)} {spec['unit']}"
    counted = abnormal and lab.attributable_to_sle
    note = spec["source"]
    vinfo = _TABLE["versions"][version]
    if spec["descriptor"] == "proteinuria" and vinfo["proteinuria"] == "new_or_increased":
        step = float(vinfo["new_or_increased_by_g_24h"])
        previous = lab.previous if lab.previous is not None else 0.0
        # Rounded difference: 1.1 - 0.6 must not count as an increase of more than 0.5.
        new_or_increased = previous <= threshold or round(lab.value - previous, 9) > step
        rule += f", new onset or increase of > {_fmt(step)} from {_fmt(previous)}"
        counted = counted and new_or_increased
        note = vinfo["source"]
    if abnormal and not lab.attributable_to_sle:
        note = "not counted: not attributed to SLE (the glossary excludes other causes); " + note
    return LabFinding(
        lab=lab.key,
        value=lab.value,
        unit=spec["unit"],
        rule=rule,
        descriptor=spec["descriptor"],
        abnormal=abnormal,
        counted=counted,
        note=note,
    )


def score(data: SledaiInput) -> SledaiResult:
    """Score a validated input: listed descriptors united with those derived from data."""
    findings = [_evaluate_limit_lab(lab) for lab in data.labs.against_limit]
    findings += [_evaluate_threshold_lab(lab, data.version) for lab in data.labs.thresholded]
    derived: list[tuple[str, str]] = [
        (f.descriptor, f"labs.{f.lab}") for f in findings if f.counted
    ]
    if data.arthritis_joint_count is not None:
        if data.arthritis_joint_count >= ARTHRITIS_RULES[data.arthritis_rule]:
            derived.append(("arthritis", f"arthritis_joint_count ({data.arthritis_rule})"))
    present = set(data.descriptors) | {d for d, _ in derived}
    counted = tuple((d.id, d.weight) for d in DESCRIPTORS.values() if d.id in present)
    total = sum(w for _, w in counted)
    clinical = sum(w for d, w in counted if d not in SEROLOGICAL_DESCRIPTORS)
    return SledaiResult(
        score=total,
        clinical_score=clinical,
        descriptors=counted,
        version=data.version,
        derived=tuple(derived),
        lab_findings=tuple(findings),
    )


def score_sledai2k(
    descriptors: Iterable[str],
    *,
    version: str = "2k",
    labs: Mapping[str, Any] | None = None,
) -> SledaiResult:
    """Score descriptor ids (any order; each at most once), optionally with a ``labs`` object.

    >>> score_sledai2k(["seizure", "fever"], version="selena").to_json()["score"]
    9
    >>> platelets = {"value": 80, "attributable_to_sle": True}
    >>> score_sledai2k([], labs={"platelets_10e9_l": platelets}).ids
    frozenset({'thrombocytopenia'})
    """
    parsed = Labs() if labs is None else parse_labs(dict(labs))
    return score(SledaiInput(tuple(descriptors), version, parsed))


INSTRUMENT: Final = Instrument(
    id="sledai-2k",
    title="SLEDAI-2K (with SELENA-SLEDAI and Hybrid SLEDAI versions)",
    source=_TABLE["meta"]["source"],
    version=_TABLE["meta"]["version"],
    parse=parse,
    score=score,
    example={
        "descriptors": ["arthritis", "rash"],
        "labs": {
            "c3_mg_dl": 70,
            "c3_lower_limit_mg_dl": 90,
            "anti_dsdna_iu_ml": 120,
            "anti_dsdna_upper_limit_iu_ml": 30,
            "platelets_10e9_l": {"value": 85, "attributable_to_sle": True},
        },
    },
    notes="Descriptors present at the visit or in the preceding 10 days; score 0-105.",
)
