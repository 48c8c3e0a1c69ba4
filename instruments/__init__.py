"""Questionnaires as versioned data files (TOML), validated by `instruments.schema`."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from pathlib import Path

from .schema import Category, Instrument, InstrumentError, Item, Text, parse_instrument

ROOT = Path(__file__).parent

__all__ = [
    "Category", "Instrument", "InstrumentError", "Item", "Text",
    "available", "latest", "load_file", "parse_instrument", "get",
]


def load_file(path: Path) -> tuple[Instrument, str, str]:
    """Read and validate one file; return the instrument, its canonical text and checksum."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InstrumentError(f"{path.name}: not valid TOML: {exc}") from exc
    instrument = parse_instrument(data, where=path.name)
    return instrument, raw.decode("utf-8"), hashlib.sha256(raw).hexdigest()


@cache
def available() -> dict[str, dict[str, tuple[Instrument, str, str]]]:
    """Every shipped instrument: slug -> version -> (instrument, text, checksum)."""
    found: dict[str, dict[str, tuple[Instrument, str, str]]] = {}
    for path in sorted(ROOT.glob("*/*.toml")):
        loaded = load_file(path)
        found.setdefault(loaded[0].slug, {})[loaded[0].version] = loaded
    return found


def latest(slug: str) -> Instrument:
    """The newest shipped version of an instrument (versions sort as strings)."""
    versions = available().get(slug)
    if not versions:
        raise InstrumentError(f"unknown instrument '{slug}'")
    return versions[max(versions)][0]


def get(slug: str, version: str) -> Instrument:
    """One shipped version."""
    try:
        return available()[slug][version][0]
    except KeyError:
        raise InstrumentError(f"unknown instrument version '{slug}' {version}") from None
