"""Keep client addresses and user agents out of every access line of werkzeug and gunicorn.

Not only /wbs: the stylesheet a WBS page loads is requested in the same second, and survey
respondents are anonymous too, so no access line names a client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping

_ADDRESS_FIRST = re.compile(r"^\S+ - - \[")
# gunicorn atoms naming the client: address, user agent, referer; then every request header
# ({x-forwarded-for}i, {x-real-ip}i, {user-agent}i...) and environ value ({remote_addr}e).
_CLIENT_ATOMS = frozenset(("h", "a", "f"))


def _names_client(atom: str) -> bool:
    return atom in _CLIENT_ATOMS or (atom.startswith("{") and atom[-1:] in ("i", "e"))


class ScrubClients(logging.Filter):
    """Blank the client of werkzeug's and gunicorn's access lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if isinstance(atoms, MutableMapping):  # gunicorn.access: atoms by name
            # Blank in place: gunicorn builds the atoms per line, and its SafeAtoms type answers
            # "-" for atoms it lacks (a format naming a header the request did not send); a
            # plain dict would raise KeyError there and the line would be lost.
            for atom in [a for a in atoms if _names_client(a)]:
                atoms[atom] = "-"
        elif isinstance(record.msg, str) and _ADDRESS_FIRST.match(record.msg):
            record.msg = _ADDRESS_FIRST.sub("- - - [", record.msg, count=1)  # werkzeug
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
        if not any(isinstance(f, ScrubClients) for f in logger.filters):
            logger.addFilter(ScrubClients())
