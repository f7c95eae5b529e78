"""The registry holds exactly the issue's instruments, each documented and runnable."""

from __future__ import annotations

from pathlib import Path

import pytest

import lupus.clinical
from lupus.clinical import get_instrument, instrument_ids, instruments

EXPECTED = {
    "sledai-2k", "sdi", "eular-acr-2019", "slicc-2012", "sri", "bicla", "lldas", "doris",
    "flare-index", "renal-response", "egfr", "crs", "icans", "phq-9",
}  # fmt: skip
DOCS = Path(__file__).resolve().parents[2] / "docs" / "instruments.md"


def test_registry_lists_every_instrument() -> None:
    assert set(instrument_ids()) == EXPECTED


@pytest.mark.parametrize("instrument_id", sorted(EXPECTED))
def test_each_instrument_has_provenance_and_a_working_example(instrument_id: str) -> None:
    inst = get_instrument(instrument_id)
    assert inst.source and inst.version and inst.title
    assert inst.example, "an example input documents the instrument"
    result = inst.run(dict(inst.example))
    assert isinstance(result, dict) and result


@pytest.mark.parametrize("instrument_id", sorted(EXPECTED))
def test_each_instrument_is_documented(instrument_id: str) -> None:
    assert f"(`{instrument_id}`)" in DOCS.read_text(encoding="utf-8")


def test_public_exports_are_sorted_and_complete() -> None:
    exported = lupus.clinical.__all__
    assert exported == sorted(exported)
    for name in exported:
        assert hasattr(lupus.clinical, name), name


def test_registry_is_in_id_order() -> None:
    assert list(instruments()) == sorted(instruments())


def test_cli_list_prints_every_id(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("score", "--list")
    assert result.exit_code == 0
    listed = {line.split("\t")[0] for line in result.stdout.splitlines()}
    assert listed == EXPECTED
