"""The integrity commands answer bad input with one line and a non-zero exit, no traceback."""

from __future__ import annotations

import pytest

from tests.helpers import make_unit


@pytest.mark.parametrize("args", [
    ["integrity", "NOPE", "--from", "2026-01-01", "--to", "2026-01-31", "--json"],
    ["integrity", "U1", "--from", "2026-13-01", "--to", "2026-01-31", "--json"],
    ["integrity", "U1", "--from", "2026-02-01", "--to", "2026-01-31"],
    ["integrity", "U1", "--from", "2026-01-01", "--to", "2026-01-31", "--instrument", "x"],
    ["integrity", "U1", "--from", "2026-01-01", "--to", "2026-01-31", "--service", "X9"],
    ["publish", "U1", "--from", "2026-01-01", "--to", "2026-01-31"],  # nothing to publish
    ["publication", "verify", "NOPE"],
    ["publication", "verify", "U1", "--id", "12345"],
])
def test_bad_input_is_one_line(runner, session, args):
    make_unit(session)
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_empty_period_is_checked_and_nothing_published_verifies(runner, session):
    make_unit(session)
    result = runner.invoke(args=["integrity", "U1", "--from", "2026-01-01", "--to",
                                 "2026-01-31", "--json"])
    assert result.exit_code == 0 and '"checked": 0' in result.output
    verify = runner.invoke(args=["publication", "verify", "U1"])
    assert verify.exit_code == 0 and verify.output.strip() == "ok 0"
