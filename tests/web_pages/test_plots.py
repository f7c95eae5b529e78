"""The inline SVG plots are well-formed, named, and mark doses by shape as well as colour."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from lupus.web.pages.plots import (
    Band,
    DoseMark,
    Panel,
    Series,
    band_svg,
    sparkline_svg,
    timeline_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date(2026, 1, 1)


def test_timeline_is_valid_svg_with_a_title_a_description_and_dose_shapes() -> None:
    panels = [
        Panel(
            "SLEDAI-2K", "points", (Series("SLEDAI-2K", ((D, 10.0), (D + dt.timedelta(30), 4.0))),)
        ),
        Panel("C3 / C4", "mg/dL", (Series("C3", ()), Series("C4", (), "triangle", 3, True))),
    ]
    doses = [
        DoseMark(D, "belimumab", "given"),
        DoseMark(D + dt.timedelta(14), "belimumab", "missed"),
        DoseMark(D + dt.timedelta(28), "belimumab", "delayed"),
    ]
    root = ET.fromstring(str(timeline_svg(panels, doses, D, D + dt.timedelta(60))))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    text = "".join(root.itertext())
    assert "no values recorded" in text and "missed" in text and "delayed" in text
    assert root.find(f".//{SVG}path[@class='mark dose-missed cross']") is not None
    assert root.find(f".//{SVG}polygon[@class='mark dose-delayed']") is not None


def test_bands_and_sparklines_are_valid_svg() -> None:
    band = Band("Belimumab IV", (0.0, 7.0, 14.0), (5.0, 4.0, 3.0), (4.0, 3.0, 2.0), (6.0, 5.0, 4.0))
    root = ET.fromstring(str(band_svg("Anti-dsDNA", "IU/mL", [band], log_scale=True)))
    assert "model prediction" in root.findtext(f"{SVG}title", "")
    assert root.find(f".//{SVG}polygon[@class='band tone0']") is not None
    spark = ET.fromstring(str(sparkline_svg([(D, 1.0), (D + dt.timedelta(7), 2.0)], "C3", "mg/dL")))
    assert "from 2026-01-01 (1 mg/dL) to 2026-01-08 (2 mg/dL)" in (spark.get("aria-label") or "")
    assert str(sparkline_svg([], "C3", "mg/dL")) == ""


def test_text_is_escaped_inside_plots() -> None:
    panel = Panel("<b>x</b>", "&", (Series("<s>", ((D, 1.0),)),))
    svg = str(timeline_svg([panel], [], D, D + dt.timedelta(10)))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)
