"""Trial protocol files (TOML): parsing into frozen values, with strict keys.

Every key is exact. An unknown key, a missing required key, a wrong type or an out-of-range value
raises :class:`~lupus.simulation.trial.errors.ProtocolError` naming the dotted key. Optional
``[population]``, ``[background]`` and ``[conduct]`` keys left out take the engine's defaults
(``data/defaults.toml``, each with its source); :func:`defaults_used` lists them for the report.

The file format is documented in ``docs/trials.md``.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

from lupus.simulation.trial.errors import ProtocolError, ProtocolFileError

__all__ = [
    "ENDPOINT_IDS",
    "THERAPIES",
    "Arm",
    "Background",
    "Conduct",
    "Endpoint",
    "Population",
    "PrednisoneLimit",
    "Protocol",
    "Published",
    "Quantity",
    "Subgroup",
    "defaults",
    "defaults_used",
    "endpoint_kind",
    "load_protocol",
    "parse_protocol",
]

THERAPIES: Final = ("placebo", "belimumab", "anifrolumab", "cd19-car-t")
ENDPOINT_IDS: Final = (
    "sri-4",
    "sri-5",
    "sri-6",
    "sri-7",
    "sri-8",
    "bicla",
    "lldas",
    "doris",
    "severe-flare",
    "any-flare",
    "perr",
    "crr",
    "sdi-increase",
    "sledai-2k-mean",
    "anti-dsdna-change",
    "c3-normalized",
    "b-cell-aplasia-days",
)
EndpointKind = Literal["proportion", "mean", "median"]
_MEANS: Final = frozenset({"sledai-2k-mean", "b-cell-aplasia-days"})
_MEDIANS: Final = frozenset({"anti-dsdna-change"})
MAX_WEEKS: Final = 520


def endpoint_kind(endpoint_id: str) -> EndpointKind:
    """``proportion`` (fraction of analysed patients), ``mean`` or ``median`` (percent change)."""
    if endpoint_id in _MEANS:
        return "mean"
    if endpoint_id in _MEDIANS:
        return "median"
    return "proportion"


@cache
def defaults() -> dict[str, dict[str, Any]]:
    """The engine's defaults for optional keys (``data/defaults.toml``), read-only."""
    text = (
        resources.files("lupus.simulation.trial")
        .joinpath("data", "defaults.toml")
        .read_text("utf-8")
    )
    return tomllib.loads(text)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Quantity:
    """A dose with its unit: ``mg/kg``, ``mg`` or ``cells/kg``."""

    value: float
    unit: str

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and self.value > 0):
            raise ValueError(f"dose must be a positive number; got {self.value}")

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


@dataclass(frozen=True, slots=True)
class Subgroup:
    """Which enrolled patients are analysed (``None``: no restriction on that characteristic)."""

    ifngs: Literal["high", "low"] | None = None
    anti_dsdna: Literal["positive", "negative"] | None = None
    low_complement: bool | None = None

    @property
    def any(self) -> bool:
        return not (self.ifngs is None and self.anti_dsdna is None and self.low_complement is None)


@dataclass(frozen=True, slots=True)
class Population:
    """Baseline characteristics of everyone enrolled (``None``: the default applies)."""

    entry_sledai_min: float | None = None
    autoantibody_positive: bool | None = None
    sledai_mean: float | None = None
    sledai_sd: float | None = None
    anti_dsdna_positive: float | None = None
    low_c3: float | None = None
    low_c4: float | None = None
    prednisone_users: float | None = None
    prednisone_mg_mean: float | None = None
    immunosuppressant_users: float | None = None
    antimalarial_users: float | None = None
    ifngs_high: float | None = None
    age_mean: float | None = None
    female: float | None = None
    bilag_1a_or_2b: float | None = None
    lupus_nephritis: bool | None = None
    upcr_mean: float | None = None
    egfr_mean: float | None = None
    refractory: bool | None = None
    sledai_version: Literal["selena", "2k"] | None = None
    subgroup: Subgroup = field(default_factory=Subgroup)

    def get(self, key: str) -> Any:
        """The protocol's value for ``key``, or the engine default when it was left out."""
        value = getattr(self, key)
        if value is not None:
            return value
        table = defaults()["population"]
        if key == "egfr_mean" and not self.get("lupus_nephritis"):
            return table["egfr_mean_non_nephritis"]
        return table.get(key)


@dataclass(frozen=True, slots=True)
class Background:
    induction_mycophenolate: float | None = None
    induction_cyclophosphamide: float | None = None
    steroid_taper: bool | None = None

    def get(self, key: str) -> Any:
        value = getattr(self, key)
        return defaults()["background"][key] if value is None else value


@dataclass(frozen=True, slots=True)
class PrednisoneLimit:
    """Prednisone above ``mg`` per day at or after ``after_week`` is a treatment failure."""

    after_week: int
    mg: float


@dataclass(frozen=True, slots=True)
class Conduct:
    visit_weeks: tuple[int, ...] | None = None
    dropout_per_year: float | None = None
    prednisone_max_mg: PrednisoneLimit | None = None


@dataclass(frozen=True, slots=True)
class Arm:
    """One arm: a therapy with its route and dose (validated per therapy at parse time)."""

    name: str
    therapy: str
    route: str | None = None
    dose: Quantity | None = None
    interval_days: int | None = None
    loading_dose: Quantity | None = None
    loading_doses: int | None = None
    lymphodepletion: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    week: int

    @property
    def key(self) -> str:
        """``sri-4@52``: the key used in the JSON output."""
        return f"{self.id}@{self.week}"

    @property
    def kind(self) -> EndpointKind:
        return endpoint_kind(self.id)


@dataclass(frozen=True, slots=True)
class Published:
    """What the real trial reported for one arm and endpoint (proportions as fractions)."""

    arm: str
    endpoint: str
    week: int
    value: float
    n: int
    sd: float | None = None

    @property
    def key(self) -> str:
        return f"{self.endpoint}@{self.week}"


@dataclass(frozen=True, slots=True)
class Protocol:
    name: str
    source: str
    weeks: int
    population: Population
    background: Background
    conduct: Conduct
    arms: tuple[Arm, ...]
    endpoints: tuple[Endpoint, ...]
    published: tuple[Published, ...] = ()

    @property
    def all_endpoints(self) -> tuple[Endpoint, ...]:
        """Declared endpoints plus those only named by a ``[[published]]`` entry, in order."""
        seen = {e.key: e for e in self.endpoints}
        for p in self.published:
            seen.setdefault(p.key, Endpoint(p.endpoint, p.week))
        return tuple(seen.values())

    @property
    def visit_weeks(self) -> tuple[int, ...]:
        """The visit schedule, always with week 0 and every endpoint week."""
        if self.conduct.visit_weeks is not None:
            weeks = set(self.conduct.visit_weeks)
        else:
            step = int(defaults()["conduct"]["visit_every_weeks"])
            weeks = set(range(0, self.weeks + 1, step))
        weeks |= {0, self.weeks}
        weeks |= {e.week for e in self.all_endpoints}
        return tuple(sorted(w for w in weeks if w <= self.weeks))

    @property
    def dropout_per_year(self) -> float:
        value = self.conduct.dropout_per_year
        return float(defaults()["conduct"]["dropout_per_year"]) if value is None else value

    def sri_version(self) -> Literal["selena", "2k"]:
        return self.population.sledai_version or "selena"

    def entry_version(self) -> Literal["selena", "2k"]:
        return self.population.sledai_version or "2k"


# --------------------------------------------------------------------------- reading


class _Table:
    """One TOML table read strictly: every key must be read; unknown keys name themselves."""

    def __init__(self, data: Any, path: str, known: tuple[str, ...]) -> None:
        if not isinstance(data, dict):
            raise ProtocolError(path, data, "a table")
        for key in data:
            if key not in known:
                where = f"{path}.{key}" if path else key
                raise ProtocolError(where, data[key], "a known key: " + ", ".join(known))
        self.data: dict[str, Any] = data
        self.path = path

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return name in self.data

    def _get(self, name: str, required: bool, allowed: str) -> Any:
        if name not in self.data:
            if required:
                raise ProtocolError(self.key(name), None, allowed, missing=True)
            return None
        return self.data[name]

    def text(self, name: str, *, required: bool = False, max_length: int = 500) -> str | None:
        allowed = f"a non-empty string of at most {max_length} characters"
        value = self._get(name, required, allowed)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > max_length:
            raise ProtocolError(self.key(name), value, allowed)
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = False) -> str | None:
        allowed = "one of: " + ", ".join(f'"{c}"' for c in choices)
        value = self._get(name, required, allowed)
        if value is None:
            return None
        if not isinstance(value, str) or value not in choices:
            raise ProtocolError(self.key(name), value, allowed)
        return value

    def boolean(self, name: str) -> bool | None:
        value = self._get(name, False, "true or false")
        if value is None:
            return None
        if not isinstance(value, bool):
            raise ProtocolError(self.key(name), value, "true or false")
        return value

    def number(
        self,
        name: str,
        *,
        minimum: float,
        maximum: float,
        required: bool = False,
        exclusive_minimum: bool = False,
        unit: str = "",
    ) -> float | None:
        low = "above" if exclusive_minimum else "from"
        what = f"a number{' in ' + unit if unit else ''}"
        allowed = f"{what} {low} {minimum:g} to {maximum:g}"
        value = self._get(name, required, allowed)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProtocolError(self.key(name), value, allowed)
        number = float(value)
        too_low = number <= minimum if exclusive_minimum else number < minimum
        if not math.isfinite(number) or too_low or number > maximum:
            raise ProtocolError(self.key(name), value, allowed)
        return number

    def fraction(self, name: str) -> float | None:
        return self.number(name, minimum=0.0, maximum=1.0)

    def integer(
        self, name: str, *, minimum: int, maximum: int, required: bool = False
    ) -> int | None:
        allowed = f"an integer from {minimum} to {maximum}"
        value = self._get(name, required, allowed)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProtocolError(self.key(name), value, allowed)
        if value < minimum or value > maximum:
            raise ProtocolError(self.key(name), value, allowed)
        return int(value)

    def table(self, name: str, known: tuple[str, ...]) -> _Table:
        value = self._get(name, False, "a table")
        return _Table({} if value is None else value, self.key(name), known)

    def tables(self, name: str, known: tuple[str, ...], *, required: bool) -> list[_Table]:
        allowed = f"an array of tables ([[{name}]])"
        value = self._get(name, required, allowed)
        if value is None:
            return []
        if not isinstance(value, list) or (required and not value):
            raise ProtocolError(self.key(name), value, allowed + ", at least one")
        return [_Table(item, f"{self.key(name)}[{i}]", known) for i, item in enumerate(value)]


_DOSE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*(mg/kg|mg|cells/kg)\s*$")


def _quantity(
    table: _Table, name: str, units: tuple[str, ...], *, required: bool
) -> Quantity | None:
    allowed = "a dose string such as " + " or ".join(f'"N {u}"' for u in units)
    value = table._get(name, required, allowed)
    if value is None:
        return None
    match = _DOSE.match(value) if isinstance(value, str) else None
    if match is None or match.group(2) not in units or float(match.group(1)) <= 0:
        raise ProtocolError(table.key(name), value, allowed + " (a positive number)")
    return Quantity(float(match.group(1)), match.group(2))


_TOP: Final = (
    "name",
    "source",
    "weeks",
    "population",
    "background",
    "conduct",
    "arms",
    "endpoints",
    "published",
)
_POPULATION: Final = (
    "entry_sledai_min",
    "autoantibody_positive",
    "sledai_mean",
    "sledai_sd",
    "anti_dsdna_positive",
    "low_c3",
    "low_c4",
    "prednisone_users",
    "prednisone_mg_mean",
    "immunosuppressant_users",
    "antimalarial_users",
    "ifngs_high",
    "age_mean",
    "female",
    "bilag_1a_or_2b",
    "lupus_nephritis",
    "upcr_mean",
    "egfr_mean",
    "refractory",
    "sledai_version",
    "subgroup",
)
_FRACTIONS: Final = (
    "anti_dsdna_positive",
    "low_c3",
    "low_c4",
    "prednisone_users",
    "immunosuppressant_users",
    "antimalarial_users",
    "ifngs_high",
    "female",
    "bilag_1a_or_2b",
)
_ARM: Final = (
    "name",
    "therapy",
    "route",
    "dose",
    "interval_days",
    "loading_dose",
    "loading_doses",
    "lymphodepletion",
)


def _population(t: _Table) -> Population:
    sub = t.table("subgroup", ("ifngs", "anti_dsdna", "low_complement"))
    subgroup = Subgroup(
        ifngs=sub.choice("ifngs", ("high", "low")),  # type: ignore[arg-type]
        anti_dsdna=sub.choice("anti_dsdna", ("positive", "negative")),  # type: ignore[arg-type]
        low_complement=sub.boolean("low_complement"),
    )
    fractions = {name: t.fraction(name) for name in _FRACTIONS}
    nephritis = t.boolean("lupus_nephritis")
    if t.has("upcr_mean") and not nephritis:
        raise ProtocolError(
            t.key("upcr_mean"), t.data["upcr_mean"], "only with population.lupus_nephritis = true"
        )
    population = Population(
        entry_sledai_min=t.number("entry_sledai_min", minimum=0, maximum=105),
        autoantibody_positive=t.boolean("autoantibody_positive"),
        sledai_mean=t.number("sledai_mean", minimum=0, maximum=105),
        sledai_sd=t.number("sledai_sd", minimum=0, maximum=50),
        prednisone_mg_mean=t.number("prednisone_mg_mean", minimum=0, maximum=200, unit="mg/day"),
        age_mean=t.number("age_mean", minimum=5, maximum=100, unit="years"),
        lupus_nephritis=nephritis,
        upcr_mean=t.number("upcr_mean", minimum=0, maximum=30, unit="g/g"),
        egfr_mean=t.number("egfr_mean", minimum=5, maximum=200, unit="mL/min/1.73 m2"),
        refractory=t.boolean("refractory"),
        sledai_version=t.choice("sledai_version", ("selena", "2k")),  # type: ignore[arg-type]
        subgroup=subgroup,
        **fractions,
    )
    entry = population.entry_sledai_min
    mean = population.sledai_mean
    if entry is not None and mean is not None and mean < entry:
        raise ProtocolError(
            t.key("sledai_mean"),
            mean,
            f"at least entry_sledai_min ({entry:g}), since it is the mean of enrolled patients",
        )
    return population


def _background(t: _Table) -> Background:
    background = Background(
        induction_mycophenolate=t.fraction("induction_mycophenolate"),
        induction_cyclophosphamide=t.fraction("induction_cyclophosphamide"),
        steroid_taper=t.boolean("steroid_taper"),
    )
    total = (background.induction_mycophenolate or 0.0) + (
        background.induction_cyclophosphamide or 0.0
    )
    if total > 1.0 + 1e-9:
        raise ProtocolError(
            t.key("induction_cyclophosphamide"),
            background.induction_cyclophosphamide,
            "fractions whose sum with induction_mycophenolate is at most 1",
        )
    return background


def _conduct(t: _Table, weeks: int) -> Conduct:
    visits: tuple[int, ...] | None = None
    if t.has("visit_weeks"):
        raw = t.data["visit_weeks"]
        allowed = f"a list of distinct integers from 0 to {weeks} (the protocol's weeks)"
        if not isinstance(raw, list) or not raw:
            raise ProtocolError(t.key("visit_weeks"), raw, allowed)
        for i, w in enumerate(raw):
            if isinstance(w, bool) or not isinstance(w, int) or not 0 <= w <= weeks:
                raise ProtocolError(f"{t.key('visit_weeks')}[{i}]", w, allowed)
        if len(set(raw)) != len(raw):
            raise ProtocolError(t.key("visit_weeks"), raw, allowed)
        visits = tuple(sorted(raw))
    limit: PrednisoneLimit | None = None
    if t.has("prednisone_max_mg"):
        p = t.table("prednisone_max_mg", ("after_week", "mg"))
        after = p.integer("after_week", minimum=0, maximum=weeks, required=True)
        mg = p.number("mg", minimum=0, maximum=200, required=True, unit="mg/day")
        assert after is not None and mg is not None
        limit = PrednisoneLimit(after, mg)
    return Conduct(
        visit_weeks=visits,
        dropout_per_year=t.number("dropout_per_year", minimum=0, maximum=0.99),
        prednisone_max_mg=limit,
    )


def _arm(t: _Table) -> Arm:
    name = t.text("name", required=True, max_length=120)
    therapy = t.choice("therapy", THERAPIES, required=True)
    assert name is not None and therapy is not None

    def forbid(*keys: str) -> None:
        for key in keys:
            if t.has(key):
                raise ProtocolError(t.key(key), t.data[key], f'not used with therapy "{therapy}"')

    if therapy == "placebo":
        forbid("dose", "interval_days", "loading_dose", "loading_doses", "lymphodepletion")
        route = t.choice("route", ("iv", "sc"))
        return Arm(name, therapy, route=route)
    if therapy == "belimumab":
        route = t.choice("route", ("iv", "sc"), required=True)
        forbid("lymphodepletion")
        if route == "iv":
            forbid("interval_days", "loading_dose", "loading_doses")
            dose = _quantity(t, "dose", ("mg/kg",), required=True)
            return Arm(name, therapy, route=route, dose=dose)
        dose = _quantity(t, "dose", ("mg",), required=True)
        interval = t.integer("interval_days", minimum=1, maximum=365, required=True)
        loading = _quantity(t, "loading_dose", ("mg",), required=False)
        count = t.integer("loading_doses", minimum=1, maximum=52)
        if (loading is None) != (count is None):
            missing = "loading_doses" if count is None else "loading_dose"
            raise ProtocolError(
                t.key(missing),
                None,
                "given together with " + ("loading_dose" if count is None else "loading_doses"),
                missing=True,
            )
        return Arm(
            name,
            therapy,
            route=route,
            dose=dose,
            interval_days=interval,
            loading_dose=loading,
            loading_doses=count,
        )
    if therapy == "anifrolumab":
        route = t.choice("route", ("iv",)) or "iv"
        forbid("interval_days", "loading_dose", "loading_doses", "lymphodepletion")
        dose = _quantity(t, "dose", ("mg",), required=True)
        return Arm(name, therapy, route=route, dose=dose)
    # cd19-car-t
    forbid("route", "interval_days", "loading_dose", "loading_doses")
    dose = _quantity(t, "dose", ("cells/kg",), required=True)
    ld = t.choice("lymphodepletion", ("flu-cy",)) or "flu-cy"
    return Arm(name, therapy, dose=dose, lymphodepletion=ld)


def _endpoint_id(t: _Table, name: str) -> str:
    value = t.choice(name, ENDPOINT_IDS, required=True)
    assert value is not None
    return value


def parse_protocol(data: Any) -> Protocol:
    """Validate a protocol already read from TOML (a ``dict``) into a :class:`Protocol`."""
    top = _Table(data, "", _TOP)
    name = top.text("name", required=True, max_length=200)
    source = top.text("source", max_length=1000) or ""
    weeks = top.integer("weeks", minimum=1, maximum=MAX_WEEKS, required=True)
    assert name is not None and weeks is not None
    population = _population(top.table("population", _POPULATION))
    background = _background(
        top.table(
            "background", ("induction_mycophenolate", "induction_cyclophosphamide", "steroid_taper")
        )
    )
    conduct = _conduct(
        top.table("conduct", ("visit_weeks", "dropout_per_year", "prednisone_max_mg")), weeks
    )
    arms = tuple(_arm(t) for t in top.tables("arms", _ARM, required=True))
    names: set[str] = set()
    for i, arm in enumerate(arms):
        if arm.name in names:
            raise ProtocolError(f"arms[{i}].name", arm.name, "a name not used by another arm")
        names.add(arm.name)
    endpoints: list[Endpoint] = []
    for t in top.tables("endpoints", ("id", "week"), required=True):
        endpoint_id = _endpoint_id(t, "id")
        week = t.integer("week", minimum=0, maximum=weeks, required=True)
        assert week is not None
        if week == 0 and endpoint_id != "sledai-2k-mean":
            raise ProtocolError(t.key("week"), week, f"an integer from 1 to {weeks}")
        endpoint = Endpoint(endpoint_id, week)
        if any(e.key == endpoint.key for e in endpoints):
            raise ProtocolError(t.path, endpoint.key, "each endpoint and week at most once")
        endpoints.append(endpoint)
    published: list[Published] = []
    for t in top.tables(
        "published", ("arm", "endpoint", "week", "value", "n", "sd"), required=False
    ):
        arm_name = t.choice("arm", tuple(a.name for a in arms), required=True)
        endpoint_id = _endpoint_id(t, "endpoint")
        week = t.integer("week", minimum=0, maximum=weeks, required=True)
        kind = endpoint_kind(endpoint_id)
        if kind == "proportion":
            value = t.number("value", minimum=0, maximum=1, required=True)
        else:
            value = t.number("value", minimum=-1e6, maximum=1e6, required=True)
        n = t.integer("n", minimum=1, maximum=10_000_000, required=True)
        sd = t.number("sd", minimum=0, maximum=1e6, exclusive_minimum=True)
        if sd is not None and kind == "proportion":
            raise ProtocolError(t.key("sd"), sd, "only for a published mean (not a proportion)")
        assert arm_name is not None and week is not None and value is not None and n is not None
        published.append(Published(arm_name, endpoint_id, week, value, n, sd))
    return Protocol(
        name=name,
        source=source,
        weeks=weeks,
        population=population,
        background=background,
        conduct=conduct,
        arms=arms,
        endpoints=tuple(endpoints),
        published=tuple(published),
    )


def load_protocol(path: str | Path) -> Protocol:
    """Read and validate a protocol TOML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProtocolFileError(str(p), f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ProtocolFileError(str(p), "not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolFileError(str(p), f"invalid TOML ({exc})") from None
    return parse_protocol(data)


def defaults_used(protocol: Protocol) -> dict[str, Any]:
    """Every optional key left out of the protocol, with the default value used for it."""
    used: dict[str, Any] = {}
    pop = protocol.population
    for key in _POPULATION:
        if key == "subgroup":
            continue
        if key in ("upcr_mean",) and not pop.get("lupus_nephritis"):
            continue
        if key == "sledai_version":
            if pop.sledai_version is None:
                used["population.sledai_version"] = "selena for SRI, 2k for the rest"
            continue
        if getattr(pop, key) is None:
            used[f"population.{key}"] = pop.get(key)
    for key in ("induction_mycophenolate", "induction_cyclophosphamide", "steroid_taper"):
        if getattr(protocol.background, key) is None:
            used[f"background.{key}"] = protocol.background.get(key)
    conduct = protocol.conduct
    if conduct.visit_weeks is None:
        used["conduct.visit_weeks"] = list(protocol.visit_weeks)
    if conduct.dropout_per_year is None:
        used["conduct.dropout_per_year"] = protocol.dropout_per_year
    if conduct.prednisone_max_mg is None:
        cutoff = defaults()["conduct"]["rescue_cutoff_week"]
        used["conduct.prednisone_max_mg"] = (
            f"none; a rescue increase above the baseline dose at or after week {cutoff} "
            "is a treatment failure"
        )
    return used
