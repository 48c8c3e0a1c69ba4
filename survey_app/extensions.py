"""Extensions created unbound; create_app binds them with init_app."""

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
