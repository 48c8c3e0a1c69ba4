"""Publishing a combined index (a unit with its sub-units, a unit group): frozen figures, a
digest chained per scope, one current revision per scope, verification from stored responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey_app.models import Publication, Response
from survey_app.results.scopes import digest_scope
from tests.scale import test_combined as base
from tests.scale.test_combined import CODES, expected, refresh_rollups, store

tree = base.tree  # the fixture: P > A > C, P > B (another time zone), X outside

Q1 = ["--from", "2026-01-01", "--to", "2026-03-31"]


def published_id(runner, *args) -> int:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("revision ")
    return int(result.output.splitlines()[-1])


def test_parent_publishes_its_pooled_index_and_verifies_it(runner, session, tree):
    units, answers = tree
    pub_id = published_id(runner, "publish", "P", *Q1, "--with-subunits")
    pub = session.get(Publication, pub_id)
    fig = json.loads(pub.figures)
    pooled = [a for code in "PABC" for a in answers[code]]
    assert pub.scope == "subtree" and pub.unit_id == units["P"].id and pub.group_id is None
    assert fig["index"]["n"] == len(pooled)
    assert fig["index"]["converted"] == pytest.approx(expected(pooled)[0], abs=1e-9)
    assert [u["code"] for u in fig["index"]["units"]] == ["P", "A", "B", "C"]
    assert fig["scope"]["unit_ids"] == [units[c].id for c in "PABC"]
    assert fig["fingerprint"]["responses"] == len(pooled)
    assert fig["integrity"]["checked"] == len(pooled)
    assert runner.invoke(args=["publication", "verify", "P"]).output.strip() == "ok 1"
    # The unit's own figure is a scope of its own: publishing it is no second revision.
    own = published_id(runner, "publish", "P", *Q1)
    assert session.get(Publication, own).revision == 1
    # A unit's digest covers the keys it covered before scopes existed (old digests verify);
    # a combined one says what it combines.
    assert set(digest_scope(session, session.get(Publication, own))) == {
        "unit", "instrument", "service", "from", "to", "revision"}
    assert digest_scope(session, pub)["scope"] == "subtree"
    assert runner.invoke(args=["publication", "verify", "P"]).output.strip() == "ok 2"


def test_verify_finds_a_late_answer_in_a_sub_unit(runner, session, tree):
    units, _answers = tree
    published_id(runner, "publish", "P", *Q1, "--with-subunits")
    store(session, units["C"], datetime(2026, 2, 10, 3, tzinfo=UTC), dict.fromkeys(CODES, 1))
    session.commit()
    refresh_rollups(session)
    result = runner.invoke(args=["publication", "verify", "P"])
    assert result.exit_code == 1
    assert "subtree" in result.output and "n C was 25" in result.output
    assert "1 responses were stored in the period after publishing" in result.output
    store(session, units["X"], datetime(2026, 2, 10, 3, tzinfo=UTC), dict.fromkeys(CODES, 1))
    session.commit()  # X is outside P's subtree: nothing more to say
    refresh_rollups(session)
    assert runner.invoke(args=["publication", "verify", "P"]).output == result.output


def test_republishing_needs_a_reason_and_chains_the_digest(runner, session, tree):
    first = published_id(runner, "publish", "P", *Q1, "--with-subunits")
    again = runner.invoke(args=["publish", "P", *Q1, "--with-subunits"])
    assert again.exit_code == 1 and "reason" in again.output
    second = published_id(runner, "publish", "P", *Q1, "--with-subunits", "--reason", "koreksi")
    session.expire_all()
    old, new = session.get(Publication, first), session.get(Publication, second)
    assert (old.is_current, new.is_current, new.revision) == (False, True, 2)
    assert new.prev_digest == old.digest and new.digest != old.digest
    assert runner.invoke(args=["publication", "verify", "P"]).output.strip() == "ok 1"
    # Tampering with the earlier revision breaks its digest, and the chain of the later one.
    old.figures = json.dumps({**json.loads(old.figures), "alpha": 0.99})
    session.commit()
    result = runner.invoke(args=["publication", "verify", "P", "--id", str(first)])
    assert result.exit_code == 1 and "changed after publishing" in result.output
    old.digest = "f" * 64
    session.commit()
    result = runner.invoke(args=["publication", "verify", "P", "--id", str(second)])
    assert result.exit_code == 1 and "link to revision 1" in result.output


def test_group_publishes_over_its_members_as_they_were(runner, session, tree):
    units, answers = tree
    assert runner.invoke(args=["group", "add", "MPP", "B", "X", "--name", "Mal",
                               "--owner", "X"]).exit_code == 0
    pub_id = published_id(runner, "group", "publish", "MPP", *Q1)
    pub = session.get(Publication, pub_id)
    assert (pub.scope, pub.unit_id) == ("group", None) and pub.group_id is not None
    fig = json.loads(pub.figures)
    assert fig["index"]["converted"] == pytest.approx(expected(answers["B"] + answers["X"])[0])
    assert runner.invoke(args=["publication", "verify", "MPP", "--group"]).output.strip() \
        == "ok 1"
    # A later change of members changes neither the publication nor its verification.
    runner.invoke(args=["group", "members", "MPP", "--add", "C", "--remove", "X"])
    assert runner.invoke(args=["publication", "verify", "MPP", "--group"]).output.strip() \
        == "ok 1"
    removed = runner.invoke(args=["group", "remove", "MPP"])
    assert removed.exit_code == 1 and "published" in removed.output
    # A deleted response of a member shows.
    doomed = session.scalars(select(Response).where(Response.unit_id == units["X"].id)
                             .limit(1)).one()
    session.delete(doomed)
    session.commit()
    refresh_rollups(session)
    result = runner.invoke(args=["publication", "verify", "MPP", "--group"])
    assert result.exit_code == 1 and "group" in result.output


def test_one_current_revision_per_scope_in_the_database(session, tree):
    units, _answers = tree

    def row(scope: str, unit_id, group_id, revision: int, current: bool = True) -> Publication:
        return Publication(scope=scope, unit_id=unit_id, group_id=group_id,
                           instrument_slug="ikm", period_from=datetime(2026, 1, 1).date(),
                           period_to=datetime(2026, 3, 31).date(), revision=revision,
                           figures="{}", is_current=current)

    p = units["P"].id
    session.add_all([row("unit", p, None, 1), row("subtree", p, None, 1)])
    session.commit()  # a unit and its subtree: two scopes
    session.add(row("subtree", p, None, 2))
    with pytest.raises(IntegrityError):  # a second current revision of the subtree
        session.commit()
    session.rollback()
    session.add(row("subtree", p, None, 1, current=False))
    with pytest.raises(IntegrityError):  # the same revision twice
        session.commit()
    session.rollback()
    session.add(row("group", p, None, 1))
    with pytest.raises(IntegrityError):  # a group's publication names a group, not a unit
        session.commit()
    session.rollback()
    session.add(Publication(scope="subtree", unit_id=p, service_id=units["P"].services[0].id,
                            instrument_slug="ikm", period_from=datetime(2026, 1, 1).date(),
                            period_to=datetime(2026, 3, 31).date(), figures="{}"))
    with pytest.raises(IntegrityError):  # combined figures have no service
        session.commit()
    session.rollback()


def test_integrity_summaries_of_units_add_up():
    from survey_app.integrity.sealing import summed

    one = {"checked": 4, "flagged": 2, "quarantined": 1, "flags_by_kind": {"burst": 1},
           "responses_by_channel": {"web": 4},
           "flagged_share_by_channel": {"web": 0.5, "kiosk": None}}
    two = {"checked": 7, "flagged": 1, "quarantined": 0,
           "flags_by_kind": {"burst": 2, "straight_lining": 1},
           "responses_by_channel": {"web": 6, "paper": 1},
           "flagged_share_by_channel": {"web": 0.0, "paper": 1.0, "kiosk": None}}
    total = summed([one, two])
    assert (total["checked"], total["flagged"], total["quarantined"]) == (11, 3, 1)
    assert total["flags_by_kind"] == {"burst": 3, "straight_lining": 1}
    assert total["responses_by_channel"] == {"web": 10, "paper": 1}
    assert total["flagged_share_by_channel"] == {"kiosk": None, "paper": 1.0, "web": 0.2}
