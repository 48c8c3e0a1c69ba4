"""The staff page of a unit's kiosks: enrol one for a counter (link and QR code), see each
kiosk's counter, last contact and waiting answers, revoke one."""

from __future__ import annotations

import base64
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import orgs, qr
from ..access import EDITORS, can_edit, current_unit, login_required
from ..db import db
from ..models import Unit
from ..models.kiosk import IDLE_DEFAULT
from . import services

bp = Blueprint("kiosk_staff", __name__, url_prefix="/admin/units/<code>/kiosks")


@bp.app_template_filter("local_minute")
def _local_minute(moment: datetime, tz: str) -> str:
    return services.local_minute(moment, tz)


def _page(unit: Unit, **extra: object) -> str:
    return render_template("kiosk/staff.html", unit=unit,
                           kiosks=services.kiosks_of(db.session, unit), status=services.status,
                           can_edit=can_edit(), **extra)


@bp.get("")
@login_required()
def index(code: str) -> str:
    """The unit's kiosks."""
    return _page(current_unit(code))


@bp.post("/enrol")
@login_required(*EDITORS)
def enrol(code: str) -> str | WerkzeugResponse:
    """Make a one-time enrolment link, shown once here as a link and a QR code."""
    unit = current_unit(code)
    service_code, _sep, counter_code = request.form.get("counter", "").partition("/")
    try:
        counter = orgs.find_counter(orgs.find_service(db.session, unit, service_code),
                                    counter_code)
        kiosk, token = services.enrol(db.session, counter, request.form.get("name"),
                                      IDLE_DEFAULT)
    except orgs.NotFound:
        abort(404)
    except services.KioskError:
        flash(_("The kiosk name may have at most 100 characters."))
        return redirect(url_for("kiosk_staff.index", code=unit.code))
    db.session.commit()
    link = services.enrol_url(current_app.config["SURVEY"].base_url, token)
    png = base64.b64encode(qr.qr_png(link, box_size=6)).decode()
    return _page(unit, new_kiosk=kiosk, link=link, qr_png=png)


@bp.post("/<int:kiosk_id>/revoke")
@login_required(*EDITORS)
def revoke(code: str, kiosk_id: int) -> WerkzeugResponse:
    """Switch a kiosk off: its next contact is refused and it says so."""
    unit = current_unit(code)
    try:
        kiosk = services.find_kiosk(db.session, unit, kiosk_id)
    except orgs.NotFound:
        abort(404)
    services.revoke(kiosk)
    db.session.commit()
    flash(_("Kiosk %(id)d revoked.", id=kiosk_id), "success")
    return redirect(url_for("kiosk_staff.index", code=unit.code))
