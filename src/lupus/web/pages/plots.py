"""Inline SVG plots written here (no third-party JavaScript): the patient timeline, small
trend lines for the portal and the what-if bands.

Every plot is a ``<svg role="img">`` with a ``<title>`` and ``<desc>``; series differ by colour
*and* by marker shape and dash pattern, and are named in a legend, so colour is never the only
signal. The pages put the same numbers in a table next to each plot.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

__all__ = [
    "Band",
    "DoseMark",
    "Panel",
    "Series",
    "band_svg",
    "sparkline_svg",
    "timeline_svg",
]

MARKERS = ("circle", "square", "triangle", "diamond")
WIDTH = 760
LEFT = 64
RIGHT = 150
PANEL_HEIGHT = 80
GAP = 10
TITLE = 20


@dataclass(frozen=True, slots=True)
class Series:
    """A measured series: (date, value) points, drawn with ``marker`` and colour class ``tone``."""

    label: str
    points: tuple[tuple[dt.date, float], ...]
    marker: str = "circle"
    tone: int = 0
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class Panel:
    title: str
    unit: str
    series: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class DoseMark:
    """An administration on the timeline; ``status`` picks the marker (given, missed...)."""

    day: dt.date
    drug: str
    status: str


@dataclass(frozen=True, slots=True)
class Band:
    """A model prediction: median and a lower/upper band per day, for one therapy."""

    label: str
    days: tuple[float, ...]
    median: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    tone: int = 0
    dashed: bool = False


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _fmt_tick(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 1000 or abs(x) < 0.01:
        return f"{x:.2g}"
    if abs(x) >= 10:
        return f"{x:.0f}"
    return f"{x:.2g}"


def _marker(shape: str, x: float, y: float, css: str, title: str) -> str:
    t = f"<title>{escape(title)}</title>"
    if shape == "square":
        return (
            f'<rect class="{css}" x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8">'
            f"{t}</rect>"
        )
    if shape == "triangle":
        pts = f"{_num(x)},{_num(y - 5)} {_num(x - 5)},{_num(y + 4)} {_num(x + 5)},{_num(y + 4)}"
        return f'<polygon class="{css}" points="{pts}">{t}</polygon>'
    if shape == "diamond":
        pts = (
            f"{_num(x)},{_num(y - 5)} {_num(x - 5)},{_num(y)} "
            f"{_num(x)},{_num(y + 5)} {_num(x + 5)},{_num(y)}"
        )
        return f'<polygon class="{css}" points="{pts}">{t}</polygon>'
    if shape == "cross":
        d = (
            f"M{_num(x - 4)},{_num(y - 4)} L{_num(x + 4)},{_num(y + 4)} "
            f"M{_num(x - 4)},{_num(y + 4)} L{_num(x + 4)},{_num(y - 4)}"
        )
        return f'<path class="{css} cross" d="{d}">{t}</path>'
    return f'<circle class="{css}" cx="{_num(x)}" cy="{_num(y)}" r="4">{t}</circle>'


def _nice_range(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    low = min(low, 0.0) if low >= 0 and low < 0.35 * high else low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    return (low - pad if low != 0 else 0.0), high + pad


def _axis_ticks(low: float, high: float) -> list[float]:
    return [low + (high - low) * f for f in (0.0, 0.5, 1.0)]


def timeline_svg(
    panels: Sequence[Panel],
    doses: Sequence[DoseMark],
    start: dt.date,
    end: dt.date,
    *,
    title: str = "Course over time",
) -> Markup:
    """Small multiples on one date axis, with a dose lane at the bottom."""
    span = max((end - start).days, 1)
    inner = WIDTH - LEFT - RIGHT

    def xpos(day: dt.date) -> float:
        return LEFT + inner * (day - start).days / span

    parts: list[str] = []
    y0 = 0.0
    for panel in panels:
        values = [v for s in panel.series for _, v in s.points]
        low, high = _nice_range(values)
        top = y0 + TITLE

        def ypos(v: float, low: float = low, high: float = high, top: float = top) -> float:
            return top + PANEL_HEIGHT - (v - low) / (high - low) * PANEL_HEIGHT

        parts.append(
            f'<g class="panel"><text class="panel-title" x="{LEFT}" y="{_num(y0 + 13)}">'
            f"{escape(panel.title)} ({escape(panel.unit)})</text>"
        )
        parts.append(
            f'<rect class="frame" x="{LEFT}" y="{_num(top)}" width="{inner}" '
            f'height="{PANEL_HEIGHT}"/>'
        )
        for tick in _axis_ticks(low, high):
            y = ypos(tick)
            parts.append(
                f'<text class="tick" x="{LEFT - 6}" y="{_num(y + 4)}" text-anchor="end">'
                f"{_fmt_tick(tick)}</text>"
            )
        if not values:
            parts.append(
                f'<text class="empty" x="{LEFT + 10}" y="{_num(top + PANEL_HEIGHT / 2 + 4)}">'
                "no values recorded</text>"
            )
        for i, s in enumerate(panel.series):
            css = f"tone{s.tone}"
            pts = sorted(p for p in s.points if start <= p[0] <= end)
            if len(pts) > 1:
                path = " ".join(
                    f"{'M' if j == 0 else 'L'}{_num(xpos(d))},{_num(ypos(v))}"
                    for j, (d, v) in enumerate(pts)
                )
                dash = ' stroke-dasharray="6 4"' if s.dashed else ""
                parts.append(f'<path class="line {css}" d="{path}"{dash}/>')
            for d, v in pts if s.marker != "none" else ():
                parts.append(
                    _marker(
                        s.marker,
                        xpos(d),
                        ypos(v),
                        f"mark {css}",
                        f"{s.label} {d.isoformat()}: {v:g} {panel.unit}",
                    )
                )
            ly = top + 12 + 16 * i
            if s.marker == "none":
                parts.append(
                    f'<path class="line {css}" d="M{WIDTH - RIGHT + 8},{_num(ly - 4)} '
                    f'h16" stroke-dasharray="4 3"/>'
                )
            else:
                parts.append(_marker(s.marker, WIDTH - RIGHT + 16, ly - 4, f"mark {css}", s.label))
            parts.append(
                f'<text class="legend" x="{WIDTH - RIGHT + 26}" y="{_num(ly)}">'
                f"{escape(s.label)}</text>"
            )
        parts.append("</g>")
        y0 = top + PANEL_HEIGHT + GAP
    # dose lane
    parts.append(
        f'<g class="panel doses"><text class="panel-title" x="{LEFT}" y="{_num(y0 + 13)}">'
        "Doses: given, missed, delayed, scheduled</text>"
    )
    y0 += TITLE - 2
    parts.append(f'<rect class="frame" x="{LEFT}" y="{_num(y0 + 2)}" width="{inner}" height="40"/>')
    shapes = {"given": "circle", "missed": "cross", "delayed": "diamond", "scheduled": "square"}
    drugs = sorted({d.drug for d in doses})
    for dose in doses:
        if not start <= dose.day <= end:
            continue
        row = drugs.index(dose.drug)
        y = y0 + 12 + 18 * (row % 2)
        x = xpos(dose.day)
        parts.append(
            f'<line class="dose-tick" x1="{_num(x)}" x2="{_num(x)}" '
            f'y1="{_num(y0 + 2)}" y2="{_num(y0 + 42)}"/>'
        )
        parts.append(
            _marker(
                shapes.get(dose.status, "circle"),
                x,
                y,
                f"mark dose-{escape(dose.status)}",
                f"{dose.drug} {dose.day.isoformat()}: {dose.status}",
            )
        )
    for i, (status, shape) in enumerate(shapes.items()):
        ly = y0 + 10 + 12 * i
        parts.append(_marker(shape, WIDTH - RIGHT + 16, ly - 4, f"mark dose-{status}", status))
        parts.append(
            f'<text class="legend" x="{WIDTH - RIGHT + 26}" y="{_num(ly)}">{status}</text>'
        )
    parts.append("</g>")
    y0 += 44 + 20
    # date axis
    for f in (0.0, 0.25, 0.5, 0.75, 1.0):
        day = start + dt.timedelta(days=round(span * f))
        x = xpos(day)
        parts.append(
            f'<text class="tick" x="{_num(x)}" y="{_num(y0)}" text-anchor="middle">'
            f"{day.isoformat()}</text>"
        )
    height = y0 + 8
    desc = (
        f"{len(panels)} panels from {start.isoformat()} to {end.isoformat()}: "
        + ", ".join(p.title for p in panels)
        + f"; {len(doses)} doses. The same values are listed in the table below the plot."
    )
    return Markup(
        f'<svg class="plot timeline" role="img" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'aria-labelledby="tl-title tl-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="tl-title">{escape(title)}</title><desc id="tl-desc">{escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def sparkline_svg(points: Sequence[tuple[dt.date, float]], label: str, unit: str) -> Markup:
    """A small trend line (portal results), with the first and last values written out."""
    pts = sorted(points)
    w, h = 220, 48
    if not pts:
        return Markup("")
    values = [v for _, v in pts]
    low, high = _nice_range(values)
    first, last = pts[0][0], pts[-1][0]
    span = max((last - first).days, 1)

    def x(d: dt.date) -> float:
        return 8 + (w - 16) * (d - first).days / span

    def y(v: float) -> float:
        return h - 8 - (v - low) / (high - low) * (h - 16)

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{_num(x(d))},{_num(y(v))}" for i, (d, v) in enumerate(pts)
    )
    dots = "".join(
        _marker("circle", x(d), y(v), "mark tone0", f"{d.isoformat()}: {v:g} {unit}")
        for d, v in pts
    )
    desc = (
        f"{label}: {len(pts)} values from {first.isoformat()} ({values[0]:g} {unit}) "
        f"to {last.isoformat()} ({values[-1]:g} {unit})"
    )
    return Markup(
        f'<svg class="plot spark" role="img" viewBox="0 0 {w} {h}" aria-label="{escape(desc)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(desc)}</title>'
        f'<path class="line tone0" d="{path}"/>{dots}</svg>'
    )


def band_svg(title: str, unit: str, bands: Sequence[Band], *, log_scale: bool = False) -> Markup:
    """Model prediction: median lines with shaded bands, one per therapy, labelled at the end."""
    w, h = 560, 220
    left, right, top, bottom = 64, 150, 24, 30
    inner_w, inner_h = w - left - right, h - top - bottom

    def tr(v: float) -> float:
        return math.log10(max(v, 1e-3)) if log_scale else v

    values = [tr(v) for b in bands for v in (*b.low, *b.high, *b.median) if math.isfinite(v)]
    low, high = _nice_range(values)
    days = [d for b in bands for d in b.days]
    d_max = max(days) if days else 1.0

    def x(d: float) -> float:
        return left + inner_w * d / d_max

    def y(v: float) -> float:
        return top + inner_h - (tr(v) - low) / (high - low) * inner_h

    parts = [
        f'<text class="panel-title" x="{left}" y="16">{escape(title)} ({escape(unit)})</text>',
        f'<rect class="frame" x="{left}" y="{top}" width="{inner_w}" height="{inner_h}"/>',
    ]
    for tick in _axis_ticks(low, high):
        label = _fmt_tick(10**tick if log_scale else tick)
        yy = top + inner_h - (tick - low) / (high - low) * inner_h
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{_num(yy + 4)}" text-anchor="end">{label}</text>'
        )
    for f in (0.0, 0.25, 0.5, 0.75, 1.0):
        d = d_max * f
        parts.append(
            f'<text class="tick" x="{_num(x(d))}" y="{h - 10}" text-anchor="middle">'
            f"week {round(d / 7)}</text>"
        )
    for i, b in enumerate(bands):
        css = f"tone{b.tone}"
        upper = [(x(d), y(v)) for d, v in zip(b.days, b.high, strict=True) if math.isfinite(v)]
        lower = [(x(d), y(v)) for d, v in zip(b.days, b.low, strict=True) if math.isfinite(v)]
        if upper and lower:
            ring = upper + lower[::-1]
            pts = " ".join(f"{_num(px)},{_num(py)}" for px, py in ring)
            parts.append(f'<polygon class="band {css}" points="{pts}"/>')
        med = [(x(d), y(v)) for d, v in zip(b.days, b.median, strict=True) if math.isfinite(v)]
        if med:
            path = " ".join(
                f"{'M' if j == 0 else 'L'}{_num(px)},{_num(py)}" for j, (px, py) in enumerate(med)
            )
            dash = ' stroke-dasharray="6 4"' if b.dashed else ""
            parts.append(f'<path class="line {css}" d="{path}"{dash}/>')
            parts.append(
                _marker(MARKERS[i % len(MARKERS)], med[-1][0], med[-1][1], f"mark {css}", b.label)
            )
        ly = top + 12 + 18 * i
        parts.append(
            _marker(MARKERS[i % len(MARKERS)], w - right + 16, ly - 4, f"mark {css}", b.label)
        )
        parts.append(f'<text class="legend" x="{w - right + 26}" y="{ly}">{escape(b.label)}</text>')
    desc = (
        f"Model prediction of {title} over {round(d_max / 7)} weeks for "
        + ", ".join(b.label for b in bands)
        + ": median line and a band from the 10th to the 90th percentile of matched virtual "
        "patients."
    )
    return Markup(
        f'<svg class="plot band-plot" role="img" viewBox="0 0 {w} {h}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}: model prediction</title>'
        f"<desc>{escape(desc)}</desc>" + "".join(parts) + "</svg>"
    )
