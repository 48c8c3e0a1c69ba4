"""The whole product with demo data, and every page of it as a URL for each kind of visitor.

Used by the translation test (`tests/test_translations_complete.py`) and the browser overflow
test (`tests/e2e/test_overflow.py`). `pages()` walks `app.url_map`: a GET route that is neither
listed in `_urls` nor in `NOT_PAGES` makes `pages()` raise, so a new page cannot escape the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import instruments
from survey_app.admin.services import create_user
from survey_app.demo import DEMO_OFFICER, DEMO_UNIT, ensure_demo, ensure_demo_officer
from survey_app.models import Unit, User, WbsOfficer
from survey_app.survey.services import Target, instrument_version, new_response
from survey_app.survey.validation import Submission

PASSWORD = "a long enough password"
STAFF = {"admin": "admin@site.test", "unit_admin": "unitadmin@site.test",
         "analyst": "analyst@site.test"}
OFFICER = DEMO_OFFICER
PERIOD = {"period": "2026"}  # the demo's answers fall in the last 120 days before today

# GET routes that are not pages a person reads (files, scripts, redirects, probes).
NOT_PAGES = {
    "static", "health.healthz", "kiosk.service_worker", "admin.qr_code", "public.infographic",
    "verify.verify_qr", "wbs_officer.download", "wbs.to_follow_up", "admin.index",
    "admin.letterhead_logo", "group_public.infographic",
    "imports.review",  # needs an uploaded file's key; the import's own tests render it
    "kiosk.app_shell",  # a JavaScript app shell: its texts come from the kiosk screens JSON
}


@dataclass
class Site:
    """What was seeded: ids and secrets the URLs and logins need."""

    pub_id: int = 0
    report_id: int = 0
    receipt: str = ""
    totp: str = ""
    officer_password: str = ""
    kiosk_token: str = ""
    verify_code: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def login_staff(client: FlaskClient, role: str) -> None:
    """Log a staff member of `role` in through the form."""
    page = client.get("/admin/login").get_data(as_text=True)
    resp = client.post("/admin/login", data={"email": STAFF[role], "password": PASSWORD,
                                             "csrf_token": csrf(page)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


def login_officer(client: FlaskClient, session: Session, site: Site) -> None:
    """Log the WBS officer in with password and a fresh TOTP code."""
    session.execute(update(WbsOfficer).where(WbsOfficer.user_id.in_(
        select(User.id).where(User.email == OFFICER))).values(totp_last_step=0))
    session.commit()
    page = client.get("/wbs/officer/login").get_data(as_text=True)
    resp = client.post("/wbs/officer/login", data={
        "email": OFFICER, "password": site.officer_password, "code": pyotp.TOTP(site.totp).now(),
        "csrf_token": csrf(page)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


def build(app: Flask, session: Session) -> Site:
    """Demo unit with answers, staff of each role, a publication, a WBS case and a kiosk."""
    from tests.wbs.support import configure_for_tests

    site = Site()
    unit, _password = ensure_demo(session, seed_responses=120)
    for role, email in STAFF.items():
        create_user(session, email, PASSWORD, role, None if role == "admin" else unit)
    _ipk_answers(session, unit, 2)  # the ZI page then rests on two IPK respondents
    _sub_unit(session, unit)
    try:  # groups of units (instance admins compare units that share no parent)
        from survey_app.unitgroups import add_group

        add_group(session, "DEMOGRP", "Kelompok Demo", ["DEMO", "DEMO-POS"], owner="DEMO")
    except ImportError:
        pass
    session.commit()

    client = app.test_client()
    login_staff(client, "unit_admin")
    dash = f"/admin/units/{DEMO_UNIT}/results/?period=2026"
    page = client.get(dash).get_data(as_text=True)
    resp = client.post(f"/admin/units/{DEMO_UNIT}/results/publish?period=2026",
                       data={"csrf_token": csrf(page)})
    assert resp.status_code == 302
    from survey_app.models import Publication

    pub = session.scalars(select(Publication).order_by(Publication.id.desc())).first()
    assert pub is not None, "publishing the demo period failed"
    site.pub_id = pub.id
    _combined_publications(client, session, site)
    try:
        from survey_app.integrity.publications import verification_code

        site.verify_code = verification_code(pub.digest or "")
    except ImportError:
        site.verify_code = "0000-0000-0000"

    configure_for_tests(app, Path(app.instance_path) / "wbs_files_site")
    with app.app_context():  # the demo's own officer: it follows the WBS package's layout
        made = ensure_demo_officer(session, unit)
        session.commit()
    assert made is not None
    site.officer_password, site.totp = made
    public = app.test_client()
    form = public.get(f"/wbs?unit={DEMO_UNIT}").get_data(as_text=True)
    resp = public.post("/wbs", data={
        "csrf_token": csrf(form), "unit": DEMO_UNIT, "category": "pungli", "head_involved": "no",
        "apa": "Petugas loket meminta uang tambahan.", "siapa": "Petugas loket 3",
        "di_mana": "Loket 3", "kapan": "Senin lalu", "bagaimana": "Diminta di luar tarif.",
        "contact": "0812 0000 0000"}, content_type="multipart/form-data")
    found = re.search(r'data-receipt="([0-9A-Z-]+)"', resp.get_data(as_text=True))
    assert found, resp.get_data(as_text=True)[:1000]
    site.receipt = found.group(1)
    from survey_app.models import WbsReport

    site.report_id = session.scalars(select(WbsReport.id)).one()

    from survey_app import orgs
    from survey_app.kiosk import services as kiosk

    counter = orgs.find_counter(orgs.find_service(session, unit, "SKCK"), "L1")
    _kiosk, site.kiosk_token = kiosk.enrol(session, counter, "Tablet L1")
    session.commit()
    return site


def _combined_publications(client: FlaskClient, session: Session, site: Site) -> None:
    """The demo unit's combined figure with its sub-unit, and its group's, published."""
    from survey_app.integrity.publications import verification_code
    from survey_app.models import Publication

    page = client.get(f"/admin/units/{DEMO_UNIT}/results/?period=2026").get_data(as_text=True)
    for url in (f"/admin/units/{DEMO_UNIT}/combined/publish?period=2026",
                "/admin/groups/DEMOGRP/publish?period=2026"):
        assert client.post(url, data={"csrf_token": csrf(page)}).status_code == 302
    for pub in session.scalars(select(Publication).where(Publication.scope != "unit")):
        site.extra[pub.scope] = str(pub.id)
        site.extra[f"{pub.scope}_code"] = verification_code(pub.digest or "")
    assert {"subtree", "group"} <= set(site.extra), "publishing the combined figures failed"


def _sub_unit(session: Session, parent: Unit) -> None:
    """A sub-unit with three answered IKM questionnaires (the combined table has two rows)."""
    from survey_app import orgs

    sub = orgs.add_unit(session, "DEMO-POS", "Pos Pelayanan Demo", parent.code, parent.tz)
    service = orgs.add_service(session, sub, "SKCK", "Surat Keterangan Catatan Kepolisian")
    session.flush()
    instrument = instruments.latest("ikm")
    version = instrument_version(session, instrument)
    for value in (2, 3, 4):
        sub_ = Submission(answers=dict.fromkeys(instrument.codes, value), saran=None,
                          jenis_kelamin="P", usia=30, pendidikan="S1", pekerjaan="PNS")
        session.add(new_response(Target.of(sub, service, None), version, sub_, source="web",
                                 submitted_at=datetime.now(UTC)))


def _ipk_answers(session: Session, unit: Unit, count: int) -> None:
    instrument = instruments.latest("ipk")
    version = instrument_version(session, instrument)
    service = unit.services[0]
    for _ in range(count):
        sub = Submission(answers=dict.fromkeys(instrument.codes, 4), saran=None,
                         jenis_kelamin=None, usia=None, pendidikan=None, pekerjaan=None)
        session.add(new_response(Target.of(unit, service, None), version, sub, source="web",
                                 submitted_at=datetime.now(UTC)))


@dataclass(frozen=True)
class Page:
    """One URL and who opens it: "public", a staff role, or "officer"."""

    url: str
    who: str
    kind: str = "html"  # html, pdf, xlsx, docx, other


EXPORT_KINDS = {"xlsx": "xlsx", "pdf": "pdf", "docx": "docx", "csv": "other", "png": "other",
                "infographic-pdf": "pdf"}


def _urls(endpoint: str, site: Site, app: Flask) -> list[Page]:
    u = DEMO_UNIT
    q = "?period=2026"
    table: dict[str, list[Page]] = {
        "admin.login": [Page("/admin/login", "public")],
        "admin.unit": [Page(f"/admin/units/{u}", r) for r in STAFF],
        "admin.letterhead": [Page(f"/admin/units/{u}/letterhead", r)
                             for r in ("admin", "unit_admin")],
        "imports.start": [Page(f"/admin/units/{u}/import/", "unit_admin")],
        "integrity.settings_page": [Page(f"/admin/units/{u}/integrity/settings", r)
                                    for r in ("admin", "unit_admin")],
        "kiosk_staff.index": [Page(f"/admin/units/{u}/kiosks", r)
                              for r in ("admin", "unit_admin")],
        "results.dashboard": [
            *(Page(f"/admin/units/{u}/results/{q}", r) for r in STAFF),
            Page(f"/admin/units/{u}/results/{q}&service=SKCK&reliability=1", "unit_admin"),
            Page(f"/admin/units/{u}/results/{q}&service=SKCK&counter=L1", "unit_admin"),
            Page(f"/admin/units/{u}/results/?period=2026&instrument=ipk", "unit_admin"),
            Page(f"/admin/units/{u}/results/?period=2001", "unit_admin"),  # no data
        ],
        "results.download": [
            Page(f"/admin/units/{u}/results/export/{fmt}{q}", "analyst", kind)
            for fmt, kind in EXPORT_KINDS.items() if _export_exists(app, fmt)],
        "combined.download": [Page(f"/admin/units/{u}/combined/export/xlsx{q}", "analyst",
                                   "xlsx")],
        "groups.index": [Page("/admin/groups/", "admin")],
        "groups.page": [Page(f"/admin/groups/DEMOGRP/{q}", r) for r in STAFF],
        "group_public.index": [Page("/kelompok/DEMOGRP/hasil/", "public")],
        "group_public.publication": [
            Page(f"/kelompok/DEMOGRP/hasil/{site.extra.get('group', 0)}", "public")],
        "groups.download": [Page(f"/admin/groups/DEMOGRP/export/xlsx{q}", "admin", "xlsx")],
        "results.rtl": [Page(f"/admin/units/{u}/results/rtl{q}", "unit_admin")],
        "zi.page": [Page(f"/admin/units/{u}/zi/?year=2026", r) for r in ("unit_admin", "analyst")],
        "zi.export": [Page(f"/admin/units/{u}/zi/hasil.xlsx?year=2026", "unit_admin", "xlsx")],
        "public.index": [Page(f"/hasil/{u}", "public")],
        "public.publication": [Page(f"/hasil/{u}/{site.pub_id}", "public"),
                               Page(f"/hasil/{u}/{site.extra.get('subtree', 0)}", "public")],
        "kiosk.enrol": [Page(f"/kiosk/enrol/{site.kiosk_token}", "public")],
        "survey.choose_service": [Page(f"/s/{u}", "public")],
        "survey.form": [Page(f"/s/{u}/SKCK/L1", "public"), Page(f"/s/{u}/PENGADUAN", "public")],
        "survey.thanks": [Page(f"/s/{u}/terima-kasih", "public")],
        "verify.verify_form": [Page("/verifikasi/", "public")],
        "verify.verify_code": [Page(f"/verifikasi/{site.verify_code}", "public"),
                               Page(f"/verifikasi/{site.extra.get('group_code', '-')}",
                                    "public")],
        "wbs.form": [Page("/wbs", "public"), Page(f"/wbs?unit={u}", "public")],
        "wbs.follow_up": [Page("/wbs/follow-up", "public")],
        "wbs_officer.login": [Page("/wbs/officer/login", "public")],
        "wbs_officer.queue": [Page("/wbs/officer/", "officer")],
        "wbs_officer.case": [Page(f"/wbs/officer/cases/{site.report_id}", "officer")],
        "wbs_officer.recap": [Page("/wbs/officer/recap", "officer"),
                              Page("/wbs/officer/recap?format=xlsx", "officer", "xlsx"),
                              Page("/wbs/officer/recap?format=pdf", "officer", "pdf")],
    }
    return table.get(endpoint, [])


def _export_exists(app: Flask, fmt: str) -> bool:
    from survey_app.results import downloads

    return fmt in downloads.EXPORTS


class UnlistedPage(AssertionError):
    """A GET route nobody told the page walk about."""


def pages(app: Flask, site: Site) -> list[Page]:
    """Every page of the product, for the visitors who may open it."""
    out: list[Page] = []
    unlisted = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        found = _urls(rule.endpoint, site, app)
        if not found:
            unlisted.append(f"{rule.rule} ({rule.endpoint})")
        for page in found:
            if page not in out:
                out.append(page)
    if unlisted:
        raise UnlistedPage("pages not covered by tests/site.py: " + ", ".join(sorted(unlisted)))
    return out


def posted(app: Flask, site: Site, lang: str) -> list[tuple[str, str]]:
    """Pages only a form submission shows: the survey's error summary, a WBS receipt and the
    reporter's case page. (name, html) pairs, in `lang`."""
    from tests.helpers import form_tokens

    c = app.test_client()
    c.get(f"/wbs?lang={lang}")
    out = []
    url = f"/s/{DEMO_UNIT}/SKCK/L1"
    tokens = form_tokens(c.get(url).get_data(as_text=True))
    half = {"persyaratan": "4", "usia": "7"}  # most questions unanswered, an age out of range
    out.append(("survey errors", c.post(url, data={**tokens, **half}).get_data(as_text=True)))
    form = c.get(f"/wbs?unit={DEMO_UNIT}").get_data(as_text=True)
    receipt = c.post("/wbs", data={
        "csrf_token": csrf(form), "unit": DEMO_UNIT, "category": "suap", "head_involved": "no",
        "apa": "Diminta imbalan.", "contact": ""}, content_type="multipart/form-data")
    out.append(("wbs receipt", receipt.get_data(as_text=True)))
    page = c.get("/wbs/follow-up").get_data(as_text=True)
    case = c.post("/wbs/follow-up", data={"receipt": site.receipt, "csrf_token": csrf(page)})
    out.append(("wbs case", case.get_data(as_text=True)))
    return out
