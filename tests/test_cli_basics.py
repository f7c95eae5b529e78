from tests.conftest import CliRunnerFn, assert_usage_error


def test_unknown_instrument_is_a_usage_error(cli: CliRunnerFn) -> None:
    result = cli("score", "no-such-instrument", "-", input="{}")
    assert_usage_error(result, "instrument", "no-such-instrument")


def test_invalid_json_is_a_usage_error(cli: CliRunnerFn) -> None:
    result = cli("score", "egfr", "-", input="{not json")
    assert_usage_error(result, "invalid JSON")


def test_missing_file_is_a_usage_error(cli: CliRunnerFn) -> None:
    result = cli("score", "egfr", "/nonexistent/file.json")
    assert_usage_error(result, "/nonexistent/file.json")
