"""The instrument file format and its validation, with errors that name the problem."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LANGS = ("id", "en")


class InstrumentError(ValueError):
    """An instrument file that does not follow the schema."""


@dataclass(frozen=True)
class Text:
    """A string in Bahasa Indonesia and English."""

    id: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang`, Bahasa Indonesia for anything else."""
        return self.en if lang == "en" else self.id


@dataclass(frozen=True)
class Item:
    """One question (unsur/element), keyed by a stable code."""

    code: str
    name: Text
    text: Text
    labels: tuple[Text, ...]
    weight: float | None
    style_texts: tuple[tuple[str, Text], ...] = ()


@dataclass(frozen=True)
class Style:
    """An alternative wording of the whole instrument (e.g. agreement vs occurrence labels)."""

    name: str
    title: Text
    labels: tuple[Text, ...]


@dataclass(frozen=True)
class Category:
    """A band of the converted index: lower bound inclusive."""

    letter: str
    lower: float
    kinerja: Text


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire version."""

    slug: str
    version: str
    title: Text
    index_name: str
    source: str
    scale_min: int
    scale_max: int
    conversion_factor: float
    profile: bool
    saran: bool
    items: tuple[Item, ...]
    categories: tuple[Category, ...]
    label_style: str
    styles: tuple[Style, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """Item codes in display order."""
        return tuple(item.code for item in self.items)

    @property
    def style_names(self) -> tuple[str, ...]:
        """The default label style first, then the alternatives."""
        return (self.label_style, *(s.name for s in self.styles))

    def with_style(self, name: str | None) -> Instrument:
        """The same instrument (codes, scale, version) worded in another label style."""
        style = next((s for s in self.styles if s.name == name), None)
        if style is None:
            return self
        items = tuple(
            replace(item, text=dict(item.style_texts).get(style.name, item.text),
                    labels=style.labels)
            for item in self.items
        )
        return replace(self, items=items, label_style=style.name, styles=())

    def item(self, code: str) -> Item:
        """The item with this code."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


def _need(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise InstrumentError(f"{where}: missing '{key}'")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise InstrumentError(f"{where}: '{key}' has the wrong type")
    return value


def _no_extra(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise InstrumentError(f"{where}: unknown key(s) {', '.join(extra)}")


def _text(data: dict[str, Any], key: str, where: str) -> Text:
    value = _need(data, key, dict, where)
    _no_extra(value, set(LANGS), f"{where}.{key}")
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise InstrumentError(f"{where}.{key}: missing text in language '{lang}'")
    return Text(id=value["id"], en=value["en"])


def _labels(data: dict[str, Any], size: int, where: str) -> tuple[Text, ...]:
    if "labels" not in data:
        raise InstrumentError(f"{where}: the scale has no labels")
    labels = _need(data, "labels", dict, where)
    _no_extra(labels, set(LANGS), f"{where}.labels")
    for lang in LANGS:
        seq = labels.get(lang)
        if not isinstance(seq, list) or not all(isinstance(s, str) and s.strip() for s in seq):
            raise InstrumentError(f"{where}.labels: missing labels in language '{lang}'")
        if len(seq) != size:
            raise InstrumentError(
                f"{where}.labels.{lang}: {len(seq)} labels for a scale of {size} points"
            )
    return tuple(Text(id=a, en=b) for a, b in zip(labels["id"], labels["en"], strict=True))


def _item(data: Any, size: int, default_labels: dict[str, Any] | None, where: str,
          style_names: set[str]) -> Item:
    if not isinstance(data, dict):
        raise InstrumentError(f"{where}: must be a table")
    _no_extra(data, {"code", "name", "text", "labels", "weight", "styles"}, where)
    code = _need(data, "code", str, where)
    if not CODE_RE.match(code):
        raise InstrumentError(f"{where}: code '{code}' must be lowercase letters, digits, _")
    where = f"{where} ({code})"
    source = data if "labels" in data else ({"labels": default_labels} if default_labels else {})
    weight = data.get("weight")
    if weight is not None and (not isinstance(weight, int | float) or not 0 < weight <= 1):
        raise InstrumentError(f"{where}: weight must be a number in (0, 1]")
    styles = data.get("styles", {})
    if not isinstance(styles, dict):
        raise InstrumentError(f"{where}: styles must be a table")
    style_texts = []
    for name, value in styles.items():
        if name not in style_names:
            raise InstrumentError(f"{where}: unknown label style '{name}'")
        _no_extra(value if isinstance(value, dict) else {}, {"text"}, f"{where}.styles.{name}")
        style_texts.append((name, _text(value, "text", f"{where}.styles.{name}")))
    return Item(
        code=code,
        name=_text(data, "name", where),
        text=_text(data, "text", where),
        labels=_labels(source, size, where),
        weight=None if weight is None else float(weight),
        style_texts=tuple(style_texts),
    )


def parse_instrument(data: dict[str, Any], where: str = "instrument") -> Instrument:
    """Validate a decoded instrument file and return it as frozen dataclasses."""
    allowed = {"slug", "version", "title", "index_name", "source", "scale", "profile", "saran",
               "items", "categories", "labels", "label_style", "styles"}
    _no_extra(data, allowed, where)
    slug = _need(data, "slug", str, where)
    if not CODE_RE.match(slug):
        raise InstrumentError(f"{where}: slug '{slug}' must be lowercase letters, digits, _")
    version = _need(data, "version", str, where)
    scale = _need(data, "scale", dict, where)
    _no_extra(scale, {"min", "max", "conversion_factor"}, f"{where}.scale")
    smin = _need(scale, "min", int, f"{where}.scale")
    smax = _need(scale, "max", int, f"{where}.scale")
    if not 0 <= smin < smax <= 9:
        raise InstrumentError(f"{where}.scale: need 0 <= min < max <= 9")
    factor = float(scale.get("conversion_factor", 100 / smax))
    size = smax - smin + 1
    default_labels = data.get("labels")
    styles = _styles(data.get("styles", {}), size, f"{where}.styles")
    raw_items = _need(data, "items", list, where)
    if not raw_items:
        raise InstrumentError(f"{where}: no items")
    names = {style.name for style in styles}
    items = tuple(
        _item(raw, size, default_labels, f"{where}: item {n}", names)
        for n, raw in enumerate(raw_items, 1)
    )
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise InstrumentError(f"{where}: duplicate item code '{item.code}'")
        seen.add(item.code)
    weights = [item.weight for item in items]
    if any(w is not None for w in weights):
        if any(w is None for w in weights):
            raise InstrumentError(f"{where}: give a weight for every item or for none")
        total = math.fsum(w for w in weights if w is not None)
        if abs(total - 1) > 1e-9:
            raise InstrumentError(f"{where}: item weights sum to {total:g}, they must sum to 1")
    categories = tuple(_categories(data.get("categories", []), f"{where}.categories"))
    return Instrument(
        slug=slug,
        version=version,
        title=_text(data, "title", where),
        index_name=_need(data, "index_name", str, where),
        source=str(data.get("source", "")),
        scale_min=smin,
        scale_max=smax,
        conversion_factor=factor,
        profile=bool(data.get("profile", False)),
        saran=bool(data.get("saran", False)),
        items=items,
        categories=categories,
        label_style=str(data.get("label_style", "")),
        styles=styles,
    )


def _styles(raw: Any, size: int, where: str) -> tuple[Style, ...]:
    if not isinstance(raw, dict):
        raise InstrumentError(f"{where}: must be a table")
    out = []
    for name, value in raw.items():
        here = f"{where}.{name}"
        if not isinstance(value, dict):
            raise InstrumentError(f"{here}: must be a table")
        _no_extra(value, {"title", "labels"}, here)
        out.append(Style(name, _text(value, "title", here), _labels(value, size, here)))
    return tuple(out)


def _categories(raw: Any, where: str) -> list[Category]:
    if not isinstance(raw, list) or not raw:
        raise InstrumentError(f"{where}: at least one category is needed")
    out = []
    for n, cat in enumerate(raw, 1):
        here = f"{where} {n}"
        if not isinstance(cat, dict):
            raise InstrumentError(f"{here}: must be a table")
        _no_extra(cat, {"letter", "lower", "kinerja"}, here)
        lower = _need(cat, "lower", (int, float), here)
        out.append(Category(_need(cat, "letter", str, here), float(lower),
                            _text(cat, "kinerja", here)))
    lowers = [c.lower for c in out]
    if lowers != sorted(lowers, reverse=True) or len(set(lowers)) != len(lowers):
        raise InstrumentError(f"{where}: lower bounds must be strictly descending")
    return out
