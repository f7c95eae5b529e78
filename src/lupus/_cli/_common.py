"""What every ``lupus`` sub-command shares: reading JSON input and failing cleanly.

The contract: on bad input a command prints exactly one line on standard error naming the
field, the value and what is allowed, prints nothing on standard output, and exits with code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer

__all__ = ["USAGE_ERROR", "echo_json", "fail", "read_json", "translate_errors"]

USAGE_ERROR = 2


def fail(message: str) -> NoReturn:
    """Print one line on standard error and exit with code 2."""
    line = " ".join(str(message).split())
    sys.stderr.write(f"error: {line}\n")
    sys.stderr.flush()
    raise typer.Exit(USAGE_ERROR)


def read_json(source: str, *, what: str = "FILE") -> Any:
    """Read one JSON document from a path, or from standard input when ``source`` is ``-``."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            text = Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        fail(
            f"{what} '{source}': cannot be read ({exc.strerror or exc}); "
            "allowed: a readable file or -"
        )
    except UnicodeDecodeError:
        fail(f"{what} '{source}': not UTF-8 text; allowed: a UTF-8 JSON document")
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as exc:
        fail(f"{what} '{source}': invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})")
    except _DuplicateKey as exc:
        fail(
            f"{what} '{source}': key '{exc.key}' appears twice in one object; allowed: unique keys"
        )
    except RecursionError:
        fail(f"{what} '{source}': JSON nested too deeply; allowed: at most a few hundred levels")


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def echo_json(data: Any) -> None:
    """Write one JSON object on standard output."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn every domain ``ValueError`` raised inside into the one-line exit-2 contract.

    Domain layers raise subclasses of ``ValueError`` for bad input (see each layer's
    ``errors`` module); anything else is a bug and propagates.
    """
    try:
        yield
    except typer.Exit:
        raise
    except ValueError as exc:
        fail(str(exc))
