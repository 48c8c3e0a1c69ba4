"""Integrity pages: quarantine and release (unit admins), opening hours and services delivered,
and the public verification page of publications."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import EDITORS, can_edit, current_unit, login_required, staff_user
from ..db import db
from ..domain_errors import DomainError
from ..models import Unit
from ..results.filters import read_filters
from ..results.public import public_url
from ..results.scopes import owner_of
from . import publications, quarantine, settings, verdicts
from .forms import ids_from, week_from
from .stamp import verify_url
from .verify_texts import MESSAGES

bp = Blueprint("integrity", __name__, url_prefix="/admin/units/<code>/integrity")
public_bp = Blueprint("verify", __name__, url_prefix="/verifikasi")


def _back(code: str) -> WerkzeugResponse:
    unit = current_unit(code)
    f, _problem = read_filters(unit, request.values)
    return redirect(url_for("results.dashboard", code=unit.code, _anchor="integrity", **f.args()))


@bp.post("/quarantine")
@login_required(*EDITORS)
def quarantine_responses(code: str) -> WerkzeugResponse:
    """Set flagged responses aside with a reason (logged)."""
    return _set_aside(code, release=False)


@bp.post("/release")
@login_required(*EDITORS)
def release_responses(code: str) -> WerkzeugResponse:
    """Put quarantined responses back into the figures (logged)."""
    return _set_aside(code, release=True)


def _set_aside(code: str, release: bool) -> WerkzeugResponse:
    """Quarantine or release the posted responses and say how many; a refusal says why."""
    unit, user = current_unit(code), staff_user()
    ids, reason = ids_from(request.form), request.form.get("reason", "")
    try:
        if release:
            n = len(quarantine.release(db.session, unit, ids, actor=user.email, reason=reason))
            done = _("%(n)d responses released.", n=n)
        else:
            n = len(quarantine.quarantine(db.session, unit, ids, reason, actor=user.email,
                                          by=user, kind=request.form.get("kind") or None))
            done = _("%(n)d responses quarantined.", n=n)
        db.session.commit()
        flash(done, "success@integrity")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message(), "error@integrity")
    return _back(code)


@bp.route("/settings", methods=["GET", "POST"])
@login_required()
def settings_page(code: str) -> str | WerkzeugResponse:
    """Opening hours and services delivered per day (editors change, analysts read)."""
    unit = current_unit(code)
    if request.method == "POST":
        if not can_edit():
            abort(403)
        try:
            _save_settings(unit)
            db.session.commit()
            flash(_("Saved."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message(), "error")
        return redirect(url_for("integrity.settings_page", code=unit.code))
    week, own = settings.week_of(db.session, unit)
    return render_template("integrity/settings.html", unit=unit, week=week, own_hours=own,
                           can_edit=can_edit(),
                           recent=settings.recent_transactions(db.session, unit))


def _save_settings(unit: Unit) -> None:
    user = staff_user()
    what = request.form.get("form")
    if what == "hours":
        settings.set_week(db.session, unit, week_from(request.form), actor=user.email)
    elif what == "transactions":
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            rows = settings.parse_transactions_csv(upload.read(settings.MAX_CSV_BYTES + 1))
            source = "csv"
        else:
            rows = [settings.transaction_from_form(request.form)]
            source = "form"
        settings.set_transactions(db.session, unit, rows, actor=user.email, source=source)
    else:
        abort(400)


@public_bp.get("/")
def verify_form() -> str | WerkzeugResponse:
    """Where a reader types the code printed on a publication."""
    code = request.args.get("kode", "").strip()[:40]
    if code:
        return redirect(url_for("verify.verify_code", code=code))
    return render_template("integrity/verify.html", pub=None, code="", differences=None)


@public_bp.get("/<code>")
def verify_code(code: str) -> tuple[str, int] | str:
    """A publication's verification: its digest and figures recomputed from stored data (or
    the cached verdict, while nothing it is computed from has changed: integrity/verdicts.py)."""
    pub = publications.find_by_code(db.session, code[:40])
    if pub is None:
        return render_template("integrity/verify.html", pub=None, code=code[:40],
                               differences=None), 404
    found = verdicts.verdict(db.session, pub, current_app.extensions.get("verdict_store"),
                             current_app.config["SECRET_KEY"])
    differences = [(d.code, _(MESSAGES[d.code], **d.params)) for d in found.differences]
    db.session.rollback()
    owner = owner_of(db.session, pub)
    return render_template("integrity/verify.html", pub=pub, code=code[:40], owner=owner,
                           public_url=public_url(pub, owner), differences=differences,
                           checked_at=found.checked_at,
                           verification_code=publications.verification_code(pub.digest or ""))


@public_bp.get("/<code>/qr.svg")
def verify_qr(code: str) -> Response:
    """The QR code of a verification page (drawn here, no external service)."""
    from ..qr import qr_svg

    prefix = publications.normalise_code(code)
    if prefix is None:
        abort(404)
    return Response(qr_svg(verify_url(publications.verification_code(prefix))),
                    mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
