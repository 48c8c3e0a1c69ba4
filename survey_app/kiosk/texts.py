"""The kiosk page's own words, in each language: the page switches without a round trip."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

TEXTS = {
    "title": _l("How was our service today?"),
    "start": _l("Start the survey"),
    "start_hint": _l("Touch to answer a few short questions. It is anonymous."),
    "question": _l("Question %(n)s of %(total)s"),
    "back": _l("Back"),
    "profile": _l("About you (optional)"),
    "jenis_kelamin": _l("Sex"),
    "pendidikan": _l("Education"),
    "pekerjaan": _l("Occupation"),
    "finish": _l("Finish"),
    "skip": _l("Skip"),
    "thanks": _l("Thank you! Your answers were recorded."),
    "thanks_next": _l("The survey starts again for the next person in a moment."),
    "revoked": _l("This kiosk has been switched off by staff. Answers are no longer sent."),
    "revoked_hint": _l("Please tell a member of staff."),
    "unenrolled": _l("This browser is not a kiosk yet. Open an enrolment link from the unit's "
                     "staff page on this tablet."),
    "offline": _l("Offline: answers are kept on this tablet and sent later."),
    "waiting": _l("Answers waiting to be sent: %(n)s"),
    "loading": _l("Loading…"),
    "enrolling": _l("Setting up this browser as the counter's kiosk…"),
    "enrol_failed": _l("This enrolment link was already used, has expired or was revoked. "
                       "Ask staff for a new one."),
    "enrol_offline": _l("No connection to the server. Reload this page to try again."),
}


def ui_texts(lang: str) -> dict[str, str]:
    """Every kiosk text in one language."""
    with force_locale(lang):
        texts = {key: str(text) for key, text in TEXTS.items()}
    # The switch names the *other* language, in that language.
    texts["switch"] = "English" if lang == "id" else "Bahasa Indonesia"
    texts["switch_lang"] = "en" if lang == "id" else "id"
    return texts
