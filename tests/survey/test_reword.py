"""A service's own wording on the respondent's form: the element code and the answers stay."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.models import Answer, Response
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import IKM_CODES, full_answers, make_unit, open_form

URL = "/s/U1/S1/L1"
TEXT_ID = "Bagaimana pendapat Saudara tentang syarat pembuatan SKCK di loket ini?"
TEXT_EN = "What do you think of the requirements for a police certificate here?"
STOCK_ID = "Bagaimana pendapat Saudara tentang kesesuaian persyaratan"


def reword_by_admin(app, session) -> None:
    """Log a unit admin in and reword `persyaratan` for S1 through the admin page."""
    unit = make_unit(session, services={"S1": ["L1"], "S2": ["L1"]})
    make_user(session, unit=unit)
    staff = app.test_client()
    login(staff, "staf@u1.go.id")
    resp = staff.post("/admin/units/U1/wording", data={
        "csrf_token": csrf_of(staff.get("/admin/units/U1").get_data(as_text=True)),
        "service": "S1", "item": "ikm:persyaratan", "text_id": TEXT_ID, "text_en": TEXT_EN})
    assert resp.status_code == 302


def legend_of(page: str, code: str) -> str:
    start = page.index(f'id="q-{code}"')
    return page[page.index("<legend>", start):page.index("</legend>", start)]


def test_form_shows_the_new_wording_in_both_languages(app, client, session):
    client.get(URL)  # the fresh page is now cached in this worker
    reword_by_admin(app, session)
    page = client.get(URL).get_data(as_text=True)
    assert TEXT_ID in legend_of(page, "persyaratan") and STOCK_ID not in page
    english = client.get(URL + "?lang=en").get_data(as_text=True)
    assert TEXT_EN in legend_of(english, "persyaratan")
    assert "How well do the service requirements fit" not in english
    other = client.get("/s/U1/S2/L1?lang=id").get_data(as_text=True)  # another service: stock
    assert STOCK_ID in legend_of(other, "persyaratan") and TEXT_ID not in other


def test_answers_are_stored_under_the_element_code(app, client, session):
    reword_by_admin(app, session)
    data = {**full_answers(), **open_form(client, URL), "persyaratan": "2"}
    assert client.post(URL, data=data).status_code == 302
    response = session.scalars(select(Response)).one()
    answers = {a.item_code: a.value
               for a in session.scalars(select(Answer).where(Answer.response_id == response.id))}
    assert set(answers) == set(IKM_CODES) and answers["persyaratan"] == 2


def test_removing_the_wording_brings_the_stock_question_back(app, client, session):
    reword_by_admin(app, session)
    assert TEXT_ID in client.get(URL).get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["item", "reword", "U1", "S1", "persyaratan",
                                                "--remove"])
    assert result.exit_code == 0, result.output
    assert STOCK_ID in client.get(URL).get_data(as_text=True)
