"""Verifiable publications: digests chained over revisions, `publication verify` reporting
tampering, late imports, deletions and edited rows, and the database constraints on revisions."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from survey_app.integrity.publications import compute_digest, verification_code
from survey_app.models import Answer, Publication, Response
from tests.helpers import IKM_CODES
from tests.integrity.support import clean_history, import_paper, make_integrity_unit

START = date(2026, 10, 5)
ARGS = ["--from", "2026-10-05", "--to", "2026-11-01"]


def _publish(runner, *extra: str) -> int:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["publish", "U1", *ARGS, *extra])
    assert result.exit_code == 0, result.output
    return int(result.output.strip().splitlines()[-1])


def _verify(runner, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["publication", "verify", "U1", *extra])


@pytest.fixture
def published(runner, session):  # type: ignore[no-untyped-def]
    unit = make_integrity_unit(session)
    clean_history(session, unit, START, 28, n=400)
    return _publish(runner)


def test_a_fresh_publication_verifies(runner, session, published):
    result = _verify(runner)
    assert result.exit_code == 0 and result.output.strip() == "ok 1"
    pub = session.get(Publication, published)
    assert pub.digest == compute_digest(session, pub) and pub.prev_digest is None
    fig = json.loads(pub.figures)
    assert fig["integrity"]["checked"] == 400 and fig["integrity"]["excludes_quarantined"]
    assert fig["fingerprint"]["responses"] == fig["index"]["n"] == 400


def test_tampered_figures_are_reported(runner, session, published):
    pub = session.get(Publication, published)
    fig = json.loads(pub.figures)
    fig["index"]["converted"] += 5.0
    session.execute(update(Publication).where(Publication.id == published)
                    .values(figures=json.dumps(fig)))
    session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "changed after publishing" in result.output
    assert "converted was" in result.output  # the recomputed figure differs from the stored one


def test_a_late_import_into_the_published_period_is_reported(runner, session, published,
                                                             tmp_path):
    row = {"submitted_at": "2026-10-20", "service": "LAPOR", **dict.fromkeys(IKM_CODES, "4")}
    import_paper(runner, tmp_path, "U1", [row] * 30)
    result = _verify(runner)
    assert result.exit_code == 1
    assert "30 responses were stored in the period after publishing" in result.output
    assert "a file of 30 rows" in result.output
    assert "n was 400, the stored responses now give 430" in result.output


def test_a_deletion_and_an_edited_row_are_reported(runner, session, published):
    first = session.scalar(select(Response.id).order_by(Response.id).limit(1))
    session.execute(text("DELETE FROM responses WHERE id = :i"), {"i": first})
    session.commit()
    result = _verify(runner)
    assert result.exit_code == 1 and "1 of the published responses were deleted" in result.output

    _publish(runner, "--reason", "a response was withdrawn")
    assert _verify(runner).exit_code == 0
    answer = session.scalars(select(Answer).order_by(Answer.response_id).limit(1)).one()
    session.execute(update(Answer).where(Answer.response_id == answer.response_id,
                                         Answer.item_code == answer.item_code)
                    .values(value=1 if answer.value != 1 else 4))
    session.commit()
    result = _verify(runner)
    assert result.exit_code == 1 and "answers of published responses were edited" in result.output


def test_revisions_chain_and_a_broken_chain_is_reported(runner, session, published):
    second = _publish(runner, "--reason", "correction")
    one, two = session.get(Publication, published), session.get(Publication, second)
    assert two.revision == 2 and two.prev_digest == one.digest and not one.is_current
    assert _verify(runner, "--id", str(published)).exit_code == 0
    session.execute(update(Publication).where(Publication.id == published)
                    .values(reason="rewritten"))  # not in the digest: fine
    session.execute(update(Publication).where(Publication.id == published)
                    .values(digest="0" * 64))
    session.commit()
    result = _verify(runner, "--id", str(second))
    assert result.exit_code == 1 and "link to revision 1 does not match" in result.output


def test_a_revision_needs_a_reason(runner, published):
    result = runner.invoke(args=["publish", "U1", *ARGS])
    assert result.exit_code == 1 and "reason" in result.output


def test_the_verification_code_is_short_and_from_the_digest(session, published):
    pub = session.get(Publication, published)
    code = verification_code(pub.digest)
    assert len(code) == 14 and code.replace("-", "").lower() == pub.digest[:12]


def test_the_database_allows_one_current_revision_and_unique_revision_numbers(session,
                                                                            published):
    pub = session.get(Publication, published)
    twin = {c.name: getattr(pub, c.key) for c in Publication.__table__.columns
            if c.name not in ("id", "digest")}
    session.expunge(pub)
    with pytest.raises(IntegrityError):  # same revision number
        session.execute(Publication.__table__.insert(), {**twin, "is_current": False})
    session.rollback()
    with pytest.raises(IntegrityError):  # a second current revision
        session.execute(Publication.__table__.insert(), {**twin, "revision": 2})
    session.rollback()
    session.execute(Publication.__table__.insert(), {**twin, "revision": 2, "is_current": False})
    session.commit()


def test_exports_get_the_stamp_only_for_published_figures(app, runner, session, published,
                                                          tmp_path):
    from survey_app.integrity.stamp import integrity_for_report, stamp_for_report
    from survey_app.models import Unit
    from survey_app.results.period import Period
    from survey_app.results.report import build_report

    unit = session.scalars(select(Unit)).one()
    period = Period(date(2026, 10, 5), date(2026, 11, 1))
    pub = session.get(Publication, published)
    with app.app_context():
        stamp = stamp_for_report(session, build_report(session, unit, "ikm", period))
        assert stamp is not None and stamp.code == verification_code(pub.digest)
        assert stamp.url == f"http://survey.test/verifikasi/{stamp.code}"
        assert stamp.png().startswith(b"\x89PNG")
        summary = integrity_for_report(session, build_report(session, unit, "ikm", period))
        assert summary is not None and summary["checked"] == 400
    row = {"submitted_at": "2026-10-20", "service": "LAPOR", **dict.fromkeys(IKM_CODES, "3")}
    import_paper(runner, tmp_path, "U1", [row] * 5)
    with app.app_context():
        assert stamp_for_report(session, build_report(session, unit, "ikm", period)) is None
