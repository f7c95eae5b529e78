"""Accessibility basics on every main page: one ``h1``, ``lang``, a label for every field,
unique ids, named plots, and text (not only colour) for every state."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest

from tests.web_pages.conftest import User

MakeUser = Callable[[str | None], User]


class Audit(HTMLParser):
    """Collects what the checks need from one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.h1 = 0
        self.lang = ""
        self.svgs: list[dict[str, str]] = []
        self.svg_titles = 0
        self._in_svg = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if a.get("type") not in ("hidden", "submit", "button"):
                self.fields.append(a)
        elif tag == "svg":
            self.svgs.append(a)
            self._in_svg = True
        elif tag == "title" and self._in_svg:
            self.svg_titles += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg = False


def audit(text: str) -> Audit:
    a = Audit()
    a.feed(text)
    return a


PAGES = [
    ("dr", "/ui/clinic"),
    ("dr", "/ui/patients"),
    ("dr", "/ui/patients/{jane}"),
    ("dr", "/ui/patients/{jane}/start-therapy"),
    ("dr", "/ui/research"),
    ("nurse", "/ui/patients/{jane}"),
    ("pat", "/ui/me"),
    ("pat", "/ui/me/report"),
    ("pat", "/ui/me/messages"),
    ("pat", "/ui/me/results"),
    ("res", "/ui/trials"),
    ("root", "/ui/admin"),
    (None, "/ui/login"),
]


@pytest.mark.parametrize(("username", "path"), PAGES)
def test_every_field_has_a_label_and_the_page_is_well_formed(
    as_user: MakeUser, jane: str, username: str | None, path: str
) -> None:
    r = as_user(username).get(path.format(jane=jane))
    assert r.status_code == 200
    a = audit(r.text)
    assert a.lang == "en"
    assert a.h1 == 1
    assert len(a.ids) == len(set(a.ids)), sorted(i for i in a.ids if a.ids.count(i) > 1)
    unlabelled = [f for f in a.fields if f.get("id") not in a.label_for and not f.get("aria-label")]
    assert unlabelled == []
    for svg in a.svgs:
        assert svg.get("role") == "img"
    assert a.svg_titles >= len(a.svgs)
    assert 'class="skip" href="#main"' in r.text
    assert "Research and education only." in r.text


def test_states_are_written_out_not_only_coloured(as_user: MakeUser, jane: str) -> None:
    text = as_user("dr").get(f"/ui/patients/{jane}").text
    assert "✓</span> given" in text  # administration status: icon and word
    assert 'class="sev-text">WARNING' in text  # alert severity as a word
    assert "LLDAS: <strong>not assessed</strong>" in text
