import subprocess
import sys

import pytest

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


def _run_entry_point(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the installed console entry point, as a user would."""
    return subprocess.run(
        [sys.executable, "-c", "from lupus.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("score", "--bogus"), "--bogus"),
        (("no-such-command",), "no-such-command"),
        (("score", "egfr", "-", "extra"), "extra"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: tuple[str, ...], fragment: str) -> None:
    proc = _run_entry_point(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert fragment in proc.stderr


def test_duplicate_keys_and_deep_nesting_are_rejected(cli: CliRunnerFn) -> None:
    dup = cli("score", "egfr", "-", input='{"age_years": 40, "age_years": 50}')
    assert_usage_error(dup, "age_years", "twice")
    deep = cli("score", "egfr", "-", input="[" * 100_000)
    assert_usage_error(deep, "nested")


def test_entry_point_success_exits_zero() -> None:
    proc = _run_entry_point(
        "score", "egfr", "-", stdin='{"creatinine_mg_per_dl": 1.0, "age_years": 50, "sex": "male"}'
    )
    assert proc.returncode == 0, proc.stderr
    assert '"egfr"' in proc.stdout
