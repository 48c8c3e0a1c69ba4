"""Publishing a combined figure from a page: commit, or say why not, in the page's section."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import Publication
from . import services


def publish_and_say(make: Callable[[], Publication], section: str) -> None:
    """Run `make` (a publish call), commit, and flash the outcome under `section`."""
    try:
        pub = make()
        db.session.commit()
        flash(_("Published as revision %(n)d.", n=pub.revision), f"success@{section}")
    except services.NotPublishable:
        db.session.rollback()
        flash(_("Only exact weights are published: choose exact weights to publish."),
              f"error@{section}")
    except services.PublishError:
        db.session.rollback()
        flash(_("This period is already published. To publish it again, give a reason."),
              f"error@{section}")
    except IntegrityError:  # published at the same moment by another request (one current)
        db.session.rollback()
        flash(_("This period was just published by someone else: check the revisions below."),
              f"error@{section}")
