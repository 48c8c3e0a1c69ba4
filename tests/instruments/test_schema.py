"""Instrument files: the shipped ones validate; broken ones fail with errors naming the problem."""

from __future__ import annotations

import tomllib

import pytest

import instruments
from instruments import InstrumentError, parse_instrument

BASE = """
slug = "demo"
version = "1"
index_name = "X"
title = { id = "Judul", en = "Title" }
labels.id = ["a", "b", "c", "d"]
labels.en = ["A", "B", "C", "D"]
[scale]
min = 1
max = 4
[[categories]]
letter = "A"
lower = 50
kinerja = { id = "Baik", en = "Good" }
[[categories]]
letter = "B"
lower = 0
kinerja = { id = "Buruk", en = "Bad" }
"""


def item(code: str, extra: str = "") -> str:
    return f"""
[[items]]
code = "{code}"
name = {{ id = "N {code}", en = "N {code}" }}
text = {{ id = "T {code}", en = "T {code}" }}
{extra}
"""


def parse(text: str):
    return parse_instrument(tomllib.loads(text), where="demo.toml")


def test_shipped_instruments_validate():
    expected = {"ikm": (9, 4), "ipk": (5, 4), "spak": (8, 6), "spkp": (24, 6)}
    for slug, (k, top) in expected.items():
        inst = instruments.latest(slug)
        assert (len(inst.codes), inst.scale_max) == (k, top)
    assert instruments.latest("ipk").codes == ("diskriminasi", "kecurangan", "imbalan", "pungli",
                                                "calo")
    assert instruments.latest("ikm").conversion_factor == 25


def test_ipk_has_both_label_styles_with_the_same_codes():
    ipk = instruments.latest("ipk")
    agree = ipk.with_style("setuju")
    assert ipk.style_names == ("kejadian", "setuju")
    assert agree.codes == ipk.codes and agree.version == ipk.version
    assert agree.items[0].labels[3].id == "Sangat setuju"
    assert ipk.items[0].labels[3].id == "Tidak ada"
    assert ipk.with_style("nope") is ipk


def test_valid_minimal_instrument():
    inst = parse(BASE + item("a") + item("b"))
    assert inst.codes == ("a", "b") and inst.conversion_factor == 25


def test_duplicate_item_code():
    with pytest.raises(InstrumentError, match="duplicate item code 'a'"):
        parse(BASE + item("a") + item("a"))


def test_scale_without_labels():
    no_labels = BASE.replace('labels.id = ["a", "b", "c", "d"]\n', "").replace(
        'labels.en = ["A", "B", "C", "D"]\n', "")
    with pytest.raises(InstrumentError, match=r"item 1 \(a\): the scale has no labels"):
        parse(no_labels + item("a"))


def test_label_count_must_match_scale():
    with pytest.raises(InstrumentError, match="3 labels for a scale of 4 points"):
        parse(BASE + item("a", 'labels = { id = ["1","2","3"], en = ["1","2","3"] }'))


def test_weights_must_sum_to_one():
    with pytest.raises(InstrumentError, match="weights sum to 0.9, they must sum to 1"):
        parse(BASE + item("a", "weight = 0.5") + item("b", "weight = 0.4"))
    with pytest.raises(InstrumentError, match="every item or for none"):
        parse(BASE + item("a", "weight = 0.5") + item("b"))
    assert parse(BASE + item("a", "weight = 0.25") + item("b", "weight = 0.75")).items[1].weight


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace('slug = "demo"', 'slug = "Bad Slug"'), "slug 'Bad Slug'"),
    (lambda t: t.replace("max = 4", "max = 12"), "need 0 <= min < max <= 9"),
    (lambda t: t.replace('title = { id = "Judul", en = "Title" }',
                         'title = { id = "Judul" }'), "missing text in language 'en'"),
    (lambda t: t + "\nextra = 1\n", "unknown key(s) extra"),
    (lambda t: t.replace("lower = 0\n", "lower = 60\n"), "strictly descending"),
])
def test_other_schema_errors(change, message):
    with pytest.raises(InstrumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(change(BASE) + item("a"))


def test_unknown_style_in_item():
    with pytest.raises(InstrumentError, match="unknown label style 'x'"):
        parse(BASE + item("a", 'styles.x.text = { id = "t", en = "t" }'))


def test_bad_toml_file_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("slug = \n")
    with pytest.raises(InstrumentError, match="broken.toml: not valid TOML"):
        instruments.load_file(path)
