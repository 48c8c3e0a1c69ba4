"""Every route, with hostile URL parts, query arguments, bodies, methods and headers: no 5xx.

The sweep tries each route once per hostile value of each URL part; the Hypothesis tests draw
random requests and random fillings of every form the pages show, as each role. Crashes are
collected (signal and status) and listed together, so one run names every broken place.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.routing import Rule

from tests.fuzz.conftest import FUZZ, World
from tests.fuzz.forms import Form, forms_of
from tests.fuzz.values import NASTY, files, header_value, value, with_known

ROLE_OF_PREFIX = (("/admin", ("unit_admin", "analyst", "admin", "anon")),
                  ("/wbs/officer", ("officer", "anon", "unit_admin")))
QUERY_NAMES = ["period", "from", "to", "service", "counter", "instrument", "weights", "page", "q",
               "next", "lang", "status", "category", "overdue", "mine", "format", "reliability",
               "size", "unit", "typed", "visibility", "compare"]
WRONG_METHODS = ["PUT", "DELETE", "PATCH"]


def _roles(rule: Rule) -> tuple[str, ...]:
    for prefix, roles in ROLE_OF_PREFIX:
        if rule.rule.startswith(prefix):
            return roles
    return ("anon",)


def _rules(world: World) -> list[Rule]:
    return sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule)


def _path(rule: Rule, args: dict[str, str]) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(r"<(?:[a-z]+:)?" + name + ">", quote(args[name], safe=""), path)
    return path


def _call(world: World, role: str, method: str, path: str, **kwargs: object) -> None:
    client = world.clients[role]
    what = f"{role} {method} {path[:200]} {repr(kwargs)[:300]}"
    try:
        response = client.open(path, method=method, **kwargs)
    except Exception as exc:  # the error page itself failed: the worst kind of crash
        world.crashes.record(f"raised {type(exc).__name__}: {exc} :: {what}")
        return
    world.crashes.check(response, what)


def _assert_clean(world: World) -> None:
    assert not world.crashes.seen, "\n\n".join(world.crashes.seen[:20])


def test_sweep_every_route_with_each_hostile_url_part(world: World) -> None:
    """Each URL part of each route replaced by each hostile value, every method, each role."""
    for rule in _rules(world):
        valid = {name: world.ids.get(name, ["x"])[0] for name in rule.arguments}
        methods = sorted((rule.methods or set()) - {"OPTIONS"}) + WRONG_METHODS[:1]
        for role in _roles(rule):
            for method in methods:
                _call(world, role, method, _path(rule, valid))
            for name in rule.arguments:
                for bad in NASTY[:: 1 if role == "anon" else 4]:
                    _call(world, role, "GET", _path(rule, {**valid, name: bad}))
    _assert_clean(world)


def test_sweep_query_arguments(world: World) -> None:
    """Each query argument the app reads, with each hostile value, on each GET page."""
    for rule in _rules(world):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        path = _path(rule, {name: world.ids.get(name, ["x"])[0] for name in rule.arguments})
        role = _roles(rule)[0]
        for i, name in enumerate(QUERY_NAMES):  # every hostile value meets every name in turn
            for k in range(4):
                bad = NASTY[(i * 7 + k * 17 + len(rule.rule)) % len(NASTY)]
                _call(world, role, "GET", path, query_string={name: bad})
    _assert_clean(world)


@FUZZ
@given(data=st.data())
def test_random_requests(world: World, data: st.DataObject) -> None:
    """Random route, role, method, URL parts, query, body and headers."""
    rule = data.draw(st.sampled_from(_rules(world)))
    role = data.draw(st.sampled_from(_roles(rule)))
    args = {name: data.draw(with_known(world.ids.get(name, []))) for name in rule.arguments}
    method = data.draw(st.sampled_from(sorted((rule.methods or {"GET"}) - {"OPTIONS"})
                                       + WRONG_METHODS))
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), value, max_size=4))
    body = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES) | value, value, max_size=6))
    headers = data.draw(st.dictionaries(st.sampled_from(
        ["Accept-Language", "Content-Type", "Cookie", "X-Forwarded-For", "X-Forwarded-Proto",
         "Referer", "Origin", "If-None-Match", "Range", "Accept"]), header_value, max_size=3))
    _call(world, role, method, _path(rule, args), query_string=query, data=body,
          headers=headers)
    _assert_clean(world)


@FUZZ
@given(host=header_value)
def test_random_host_headers(world: World, host: str) -> None:
    """Any Host header gets a page or an error page, never a crash."""
    for path in ("/wbs", "/s/U1/S1/L1", "/hasil/U1", "/nope"):
        _call(world, "anon", "GET", path, environ_overrides={"HTTP_HOST": host})
    _assert_clean(world)


def _harvest(world: World) -> list[tuple[str, Form]]:
    """Every POST form on every GET page each role can open."""
    found: list[tuple[str, Form]] = []
    for rule in _rules(world):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        for role in _roles(rule):
            path = _path(rule, {n: world.ids.get(n, ["x"])[0] for n in rule.arguments})
            page = world.clients[role].get(path)
            if page.status_code == 200 and page.mimetype == "text/html":
                found += [(role, f) for f in forms_of(page.get_data(as_text=True), path)
                          if f.method == "POST"]
    assert found, "no forms found to fuzz"
    return found


def test_forms_are_found(world: World) -> None:
    """The harvest reaches the forms that matter (guards the form tests against finding none)."""
    actions = {form.action.split("?")[0] for _role, form in _harvest(world)}
    for expected in ("/wbs", "/wbs/follow-up", "/admin/login", "/wbs/officer/login"):
        assert any(a.rstrip("/") == expected for a in actions), (expected, sorted(actions))
    assert any(a.startswith("/s/U1/S1") for a in actions), sorted(actions)
    assert any("/results/" in a for a in actions), sorted(actions)


@FUZZ
@given(data=st.data())
def test_random_form_fillings(world: World, data: st.DataObject) -> None:
    """Each form sent with its own fields filled randomly (valid CSRF token kept), plus extras."""
    harvested = getattr(world, "_forms", None) or _harvest(world)
    world._forms = harvested  # type: ignore[attr-defined]
    role, form = data.draw(st.sampled_from(harvested))
    body: dict[str, object] = {}
    for name, f in form.fields.items():
        if f.kind == "hidden" and data.draw(st.booleans()):
            body[name] = f.value  # keep CSRF and form tokens valid most of the time
        elif f.kind != "file" and data.draw(st.integers(0, 9)) > 0:
            body[name] = data.draw(with_known(f.choices or ([f.value] if f.value else [])))
    body.update(data.draw(st.dictionaries(value, value, max_size=2)))
    kwargs: dict[str, object] = {}
    if "multipart" in form.enctype:
        body["evidence"] = [(io.BytesIO(content), name)
                            for content, name in data.draw(files)]
        kwargs["content_type"] = "multipart/form-data"
    _call(world, role, "POST", form.action, data=body, **kwargs)
    _assert_clean(world)


ODD_TYPES = ["multipart/form-data", "multipart/form-data; boundary=x", "application/json",
             "text/plain", "application/x-www-form-urlencoded; charset=utf-16"]


def test_odd_bodies(world: World) -> None:
    """Malformed multipart, wrong content types and binary bodies on every POST route."""
    bodies = [b"", b"\x00" * 100, b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--\r\n",
              b"--x\r\nContent-Disposition: form-data; name=\"a\x00\"\r\n\r\nv\r\n--x--",
              "å=ø&%zz=1&a=%ff%fe".encode(), b"{" * 1000]
    for rule in _rules(world):
        if "POST" not in (rule.methods or ()):
            continue
        path = _path(rule, {n: world.ids.get(n, ["x"])[0] for n in rule.arguments})
        for body in bodies:
            for content_type in ODD_TYPES:
                _call(world, _roles(rule)[0], "POST", path, data=body,
                      headers={"Content-Type": content_type})
    _assert_clean(world)
