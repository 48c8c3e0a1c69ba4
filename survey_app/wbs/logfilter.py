"""Keep client addresses and user agents of WBS requests out of the access logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

_WBS_LINE = re.compile(r'"[A-Z]+ /wbs[/?\s]')
_ADDRESS_FIRST = re.compile(r"^\S+ - - ")


class ScrubWbsRequests(logging.Filter):
    """Blank the client of werkzeug's and gunicorn's access lines for /wbs paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):  # gunicorn.access: atoms by name
            atoms = record.args
            if str(atoms.get("U", "")).startswith("/wbs"):
                record.args = {k: ("-" if k in ("h", "a", "f") or k.startswith("{") else v)
                               for k, v in atoms.items()}
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        if _WBS_LINE.search(message):  # werkzeug: the address leads the line
            record.msg, record.args = _ADDRESS_FIRST.sub("- - - ", message), ()
        return True


def install() -> None:
    """Attach the filter once to the access loggers of both servers; quiet Pillow."""
    # Pillow logs every EXIF tag it reads at DEBUG (GPS position, camera serial, author):
    # never let that reach the application log, whatever the log level.
    pil = logging.getLogger("PIL")
    if pil.level < logging.INFO:
        pil.setLevel(logging.INFO)
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubWbsRequests) for f in logger.filters):
            logger.addFilter(ScrubWbsRequests())
