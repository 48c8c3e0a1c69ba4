"""Verifiable publications: a digest of the canonical frozen figures chained to the previous
revision, a short verification code, and `verify`, which recomputes a publication from the
stored responses of its period and names each difference.

The digest is SHA-256 over canonical JSON (sorted keys, no spaces, UTF-8) of the scope (unit,
instrument, service, period, revision; for a combined figure also its kind and group:
results/scopes.py), the frozen figures, whether quarantined responses were
left out, and the previous revision's digest. The frozen figures carry an integrity summary and
a fingerprint of the responses they came from (count, highest id, id sum, and two weighted
answer sums, computed in SQL over the same selection as the index), so that `verify` can tell a
late import (responses above the highest id), a deletion (fewer at or below it) and an edited
row (same responses, different answers) apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Answer, ImportBatch, Publication, Quarantine, Response
from ..results.queries import Selection
from ..results.report import IndexReport
from ..results.scopes import (
    digest_scope,
    publication_selection,
    recomputed_index,
    same_scope,
    unit_ids_of,
)

CODE_LENGTH = 12  # hex digits of the digest in the verification code: 48 bits
TOLERANCE = 1e-9  # recomputed floats are the same computation; this only absorbs float noise


def canonical(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def compute_digest(session: Session, pub: Publication) -> str:
    """SHA-256 (hex) of the publication's scope, frozen figures and chain."""
    body = {"scope": digest_scope(session, pub), "figures": json.loads(pub.figures),
            "excludes_quarantined": bool(pub.excludes_quarantined),
            "previous": pub.prev_digest or ""}
    return hashlib.sha256(canonical(body)).hexdigest()


def verification_code(digest: str) -> str:
    """The short code printed on every rendering: XXXX-XXXX-XXXX."""
    head = digest[:CODE_LENGTH].upper()
    return "-".join(head[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str | None:
    """A typed or scanned code as the digest prefix it names, or None when malformed."""
    cleaned = "".join(ch for ch in text.lower() if ch not in "- ")
    if len(cleaned) != CODE_LENGTH or any(ch not in "0123456789abcdef" for ch in cleaned):
        return None
    return cleaned


def find_by_code(session: Session, code: str) -> Publication | None:
    """The publication a verification code names."""
    prefix = normalise_code(code)
    if prefix is None:
        return None
    return session.scalar(select(Publication).where(Publication.digest.like(f"{prefix}%"))
                          .order_by(Publication.id).limit(1))


def _selection(session: Session, pub: Publication, include_quarantined: bool) -> Selection:
    sel = publication_selection(session, pub, include_quarantined)
    if sel is None:  # sealing a publication whose units exist: never
        raise LookupError(f"publication {pub.id} covers a unit that is gone")
    return sel


def fingerprint(session: Session, sel: Selection, max_id: int | None = None) -> dict[str, int]:
    """Counts and checksums of the selection's responses (those with id <= max_id if given)."""
    conditions = list(sel.where())
    if max_id is not None:
        conditions.append(Response.id <= max_id)
    row = session.execute(select(func.count(), func.max(Response.id), func.sum(Response.id))
                          .where(*conditions)).one()
    weight = Answer.response_id % 9973 + 1
    answers = session.execute(
        select(func.count(), func.sum(Answer.value * weight),
               func.sum(Answer.value * Answer.value * (Answer.response_id % 997 + 1)),
               func.sum(func.length(Answer.item_code) * weight))
        .join(Response, Response.id == Answer.response_id).where(*conditions)).one()
    return {"responses": int(row[0]), "max_id": int(row[1] or 0), "id_sum": int(row[2] or 0),
            "answers": int(answers[0]), "answer_sum": int(answers[1] or 0),
            "answer_sq": int(answers[2] or 0), "item_sum": int(answers[3] or 0)}


def seal(session: Session, pub: Publication, report: IndexReport, integrity: dict[str, Any],
         previous: Publication | None) -> None:
    """Add the integrity summary and fingerprint to a new publication's figures, then its
    digest chained to the previous revision (call before the transaction commits)."""
    include = bool(getattr(report, "include_quarantined", False))
    sel = _selection(session, pub, include)
    figures = json.loads(pub.figures)
    figures["integrity"] = {**integrity, "excludes_quarantined": not include}
    figures["fingerprint"] = fingerprint(session, sel)
    figures["quarantined_ids"] = sorted(session.scalars(
        select(Quarantine.response_id).join(Response, Response.id == Quarantine.response_id)
        .where(*_selection(session, pub, True).where())))
    pub.figures = json.dumps(figures, ensure_ascii=False)
    pub.excludes_quarantined = not include
    pub.prev_digest = previous.digest if previous else None
    pub.digest = compute_digest(session, pub)


@dataclass(frozen=True)
class Difference:
    """One thing that no longer matches a publication: a stable code and its parameters."""

    code: str
    params: dict[str, Any]

    def text(self) -> str:
        """English words (the command line's; the page translates the same msgids)."""
        from .verify_texts import MESSAGES

        return MESSAGES[self.code] % self.params


def index_differences(stored: dict[str, Any], now: dict[str, Any] | None) -> list[Difference]:
    if now is None:
        return [Difference("no_data", {"n": stored.get("n", 0)})]
    out = []
    for key in ("n", "index", "converted"):
        a, b = stored.get(key), now.get(key)
        if isinstance(a, float) or isinstance(b, float):
            same = a is not None and b is not None and abs(float(a) - float(b)) <= TOLERANCE
        else:
            same = a == b
        if not same:
            out.append(Difference("figure", {"name": key, "then": a, "now": b}))
    then = {e["code"]: e for e in stored.get("elements", [])}
    for element in now.get("elements", []):
        old = then.get(element["code"], {})
        a, b = old.get("nrr"), element.get("nrr")
        if (a is None) != (b is None) or (a is not None and abs(a - b) > TOLERANCE):
            out.append(Difference("figure", {"name": f"NRR {element['code']}", "then": a,
                                             "now": b}))
    # A combined figure: each member unit's own n as well (the pooled n alone could hide two
    # changes that cancel out).
    units_then = {u["code"]: u.get("n") for u in stored.get("units") or []}
    for unit in now.get("units") or []:
        if unit["code"] in units_then and units_then[unit["code"]] != unit.get("n"):
            out.append(Difference("figure", {"name": f"n {unit['code']}",
                                             "then": units_then[unit["code"]],
                                             "now": unit.get("n")}))
    return out


def verify(session: Session, pub: Publication) -> list[Difference]:
    """Every difference between a publication and what its period's stored data give now."""
    sel = publication_selection(session, pub, not pub.excludes_quarantined)
    if sel is None:
        return [Difference("unit_gone", {})]
    if pub.digest is None:
        return [Difference("no_digest", {})]
    out: list[Difference] = []
    if compute_digest(session, pub) != pub.digest:
        out.append(Difference("tampered", {}))
    if pub.revision > 1:
        before = session.scalar(select(Publication.digest).where(
            *same_scope(pub), Publication.revision == pub.revision - 1))
        if before != pub.prev_digest:
            out.append(Difference("chain", {"revision": pub.revision - 1}))
    try:
        figures = json.loads(pub.figures)
    except ValueError:
        return [*out, Difference("unreadable", {})]
    out += _data_differences(session, sel, pub, figures)
    return out


def _data_differences(session: Session, sel: Selection, pub: Publication,
                      figures: dict[str, Any]) -> list[Difference]:
    out = index_differences(figures.get("index", {}), recomputed_index(session, pub))
    stored = figures.get("fingerprint")
    if not stored:
        return out
    max_id = int(stored["max_id"])
    current = fingerprint(session, sel, max_id)
    added = fingerprint(session, sel)["responses"] - current["responses"]
    if added > 0:
        batches = session.scalars(select(ImportBatch).where(
            ImportBatch.unit_id.in_(unit_ids_of(sel)), ImportBatch.imported_at > pub.published_at,
            ImportBatch.batch_key.in_(select(Response.import_batch).where(
                *sel.where(), Response.id > max_id)))).all()
        out.append(Difference("added", {"count": added}))
        for batch in batches:
            out.append(Difference("late_import", {
                "rows": batch.rows, "by": batch.imported_by, "file": batch.file_sha256[:12],
                "at": batch.imported_at.isoformat(timespec="minutes")}))
    missing = stored["responses"] - current["responses"]
    if missing > 0:
        out.append(Difference("deleted", {"count": missing}))
    elif missing == 0 and stored["id_sum"] != current["id_sum"]:
        out.append(Difference("replaced", {}))
    if missing == 0 and stored["id_sum"] == current["id_sum"] and any(
            stored[k] != current[k] for k in ("answers", "answer_sum", "answer_sq", "item_sum")):
        out.append(Difference("edited", {}))
    held_then = set(figures.get("quarantined_ids") or [])
    held_now = set(session.scalars(
        select(Quarantine.response_id).join(Response, Response.id == Quarantine.response_id)
        .where(*_selection(session, pub, True).where(), Response.id <= max_id)))
    if pub.excludes_quarantined and held_then != held_now:
        out.append(Difference("quarantine", {"released": len(held_then - held_now),
                                             "added": len(held_now - held_then)}))
    return out
