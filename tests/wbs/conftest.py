"""WBS fixtures: cheap key derivation, a private evidence folder, the audit log emptied after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.wbs.support import configure_for_tests, purge_audit


@pytest.fixture
def app(app: Flask, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The root app fixture with fast Argon2id and evidence under tmp_path."""
    configure_for_tests(app, tmp_path / "wbs_files")
    yield app
    purge_audit(app)
