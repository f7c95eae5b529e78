from lupus.clinical import instrument_ids
from tests.conftest import CliRunnerFn


def test_demo_scores_every_instrument(cli: CliRunnerFn) -> None:
    result = cli("demo", "--json")
    assert result.exit_code == 0
    data = result.json()
    assert sorted(data) == instrument_ids()
    assert data["sledai-2k"]["output"]["score"] >= data["sledai-2k"]["output"]["clinical_score"]


def test_demo_table_names_the_disclaimer(cli: CliRunnerFn) -> None:
    result = cli("demo")
    assert result.exit_code == 0
    assert "not a medical device" in " ".join(result.stdout.split())
