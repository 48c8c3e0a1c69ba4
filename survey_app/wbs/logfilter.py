"""Keep anonymous visits out of werkzeug's and gunicorn's logs.

An access line gives the second, status, size and duration of a request: for `POST /wbs` or a
survey submission that places a report or a response far more precisely than the hour (or
minute) the database keeps, and survey lines in order match response ids one to one. So the
app's own access loggers print a line only for staff paths (admin pages, WBS officers); every
other path (survey, kiosk, WBS reporter pages, public results, the static files all of them
load, unknown paths) gets no line at all. Staff lines keep their atoms but lose the client.
gunicorn's error log names the client of an invalid request (`ip=...`, PROXY lines): every
address there becomes `-`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from urllib.parse import unquote, urlsplit

_ADDRESS_FIRST = re.compile(r"^\S+ - - \[")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# gunicorn atoms naming the client: address, user agent, referer; then every request header
# ({x-forwarded-for}i, {x-real-ip}i, {user-agent}i...) and environ value ({remote_addr}e).
_CLIENT_ATOMS = frozenset(("h", "a", "f"))
# Paths whose visitors are staff with accounts (their actions are audited anyway). An allow
# list, not a deny list: a path spelled some other way is dropped rather than logged.
_STAFF_PATHS = ("/admin", "/wbs/officer")
_IP_FIELD = re.compile(r"\bip=\S*?(?=:?\s|:?$)")
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
# Two or more colons between hex groups (2001:db8::7, ::1, fe80::1%eth0); a clock time in a
# message is blanked too, which costs nothing.
_IPV6 = re.compile(r"(?<![\w.:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w.:])")


def is_staff_path(path: object) -> bool:
    """Whether an access line for `path` may be written (admin pages, WBS officers)."""
    if not isinstance(path, str):
        return False
    path = unquote(path)
    if "://" in path:  # absolute-form request target: POST http://host/wbs HTTP/1.1
        path = urlsplit(path).path
    if "/." in path:  # dot segments: nothing staff-only needs them, a proxy may resolve them
        return False
    return any(path == p or path.startswith(p + "/") for p in _STAFF_PATHS)


def _names_client(atom: str) -> bool:
    return atom in _CLIENT_ATOMS or (atom.startswith("{") and atom[-1:] in ("i", "e"))


def _werkzeug_path(record: logging.LogRecord) -> str | None:
    """The path of a werkzeug access line, None if the record is another kind of line."""
    args = record.args
    if not (isinstance(record.msg, str) and record.msg.rstrip().endswith('"%s" %s %s')
            and isinstance(args, tuple) and len(args) == 3):
        return None
    parts = _ANSI.sub("", str(args[0])).split(" ")
    return parts[1] if len(parts) == 3 else ""  # a bad request line has no path: drop it


class ScrubClients(logging.Filter):
    """Drop access lines of anonymous paths; blank the client of the others."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if isinstance(atoms, MutableMapping):  # gunicorn.access: atoms by name
            if not is_staff_path(atoms.get("U")):  # PATH_INFO, percent-decoded
                return False
            # Blank in place: gunicorn builds the atoms per line, and its SafeAtoms type answers
            # "-" for atoms it lacks (a format naming a header the request did not send); a
            # plain dict would raise KeyError there and the line would be lost.
            for atom in [a for a in atoms if _names_client(a)]:
                atoms[atom] = "-"
            return True
        path = _werkzeug_path(record)
        if path is not None and not is_staff_path(path):
            return False
        if isinstance(record.msg, str) and _ADDRESS_FIRST.match(record.msg):
            record.msg = _ADDRESS_FIRST.sub("- - - [", record.msg, count=1)  # werkzeug
        return True


def scrub_addresses(text: str) -> str:
    """`text` with every IPv4 and IPv6 address, and gunicorn's `ip=` field, blanked."""
    return _IPV6.sub("-", _IPV4.sub("-", _IP_FIELD.sub("ip=-", text)))


class ScrubAddresses(logging.Filter):
    """Blank client addresses in gunicorn's error log (invalid requests, PROXY lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to logging's own report
            return True
        scrubbed = scrub_addresses(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


def _attach(name: str, kind: type[logging.Filter]) -> None:
    logger = logging.getLogger(name)
    if not any(isinstance(f, kind) for f in logger.filters):
        logger.addFilter(kind())


def install() -> None:
    """Attach the filters once to both servers' loggers; quiet Pillow."""
    # Pillow logs every EXIF tag it reads at DEBUG (GPS position, camera serial, author):
    # never let that reach the application log, whatever the log level.
    pil = logging.getLogger("PIL")
    if pil.level < logging.INFO:
        pil.setLevel(logging.INFO)
    _attach("werkzeug", ScrubClients)
    _attach("gunicorn.access", ScrubClients)
    _attach("gunicorn.error", ScrubAddresses)
