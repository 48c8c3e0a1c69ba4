"""Click's usage errors follow the contract: one line, non-zero exit, no usage text."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args", [
    ["unit", "add"],  # missing argument
    ["unit", "add", "X", "--name", "N", "--bogus"],  # unknown option
    ["ikm", "U1", "--from", "2026-01-01"],  # missing required option
    ["nosuch"],  # unknown command
    ["qr", "U1", "--format", "gif", "--out", "x"],  # bad choice
])
def test_usage_errors_are_one_line(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Usage:" not in result.output and "Traceback" not in result.output
