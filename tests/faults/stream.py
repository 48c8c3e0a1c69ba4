"""A stream of respondents, as phones behave: open the form, answer, send; when the page says
the answers are kept, wait and press Send again (same form); when the connection breaks, send
again (the browser's resubmit). Every page and its time is written in a ledger."""

from __future__ import annotations

import hashlib
import http.client
import itertools
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from itsdangerous import URLSafeTimedSerializer

import instruments

HOST = "127.0.0.1"
TOKENS = re.compile(r'name="(csrf_token|form_token)" value="([^"]*)"')
CODES = instruments.latest("ikm").codes
TIMEOUT = 30.0  # a hung page shows as a long time, not as a client error
_addresses = (f"127.2.{n // 250}.{n % 250 + 1}" for n in itertools.cycle(range(250 * 250)))
_address_lock = threading.Lock()


def _address() -> str:
    with _address_lock:
        return next(_addresses)


@dataclass
class Page:
    """One request of a respondent: when, how long, and what came back."""

    started: float
    seconds: float
    method: str
    status: int | None  # None: the connection broke
    kind: str  # form, thanks, already, kept, limited, expired, error, broken
    own_page: bool  # our page (not gunicorn's plain text or nothing)


@dataclass
class Respondent:
    """One person's form: its token's digest (the row's form_nonce) and what they saw."""

    digest: str
    pages: list[Page] = field(default_factory=list)

    @property
    def thanked(self) -> bool:
        """A thank-you (or "already recorded") page reached them."""
        return any(p.kind in ("thanks", "already") for p in self.pages)


@dataclass
class Ledger:
    """Everything the stream saw."""

    respondents: list[Respondent] = field(default_factory=list)
    forms_failed: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pages(self) -> list[Page]:
        with self.lock:
            return [p for r in self.respondents for p in r.pages]

    def kinds(self) -> Counter[str]:
        return Counter(p.kind for p in self.pages())


def _classify(status: int, location: str, body: str) -> str:
    if status == 302 and "terima-kasih" in location:
        return "thanks"
    if status == 200 and "data-fresh-form" in body:
        return "form"
    if status in (503, 429) and "data-notice" in body:
        return "kept" if status == 503 else "limited"
    if status == 400:
        return "expired"
    return "error"


class Stream:
    """Client threads sending respondents to one server until stopped."""

    def __init__(self, port: int, path: str, secret: str, threads: int = 4) -> None:
        self.port, self.path, self.threads = port, path, threads
        self.serializer = URLSafeTimedSerializer(secret, salt="survey-form-token")
        self.ledger = Ledger()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def _request(self, method: str, path: str, source: str, body: bytes | None = None,
                 cookie: str | None = None) -> tuple[Page, str, str, str | None]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        if cookie:
            headers["Cookie"] = cookie
        started = time.monotonic()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT,
                                          source_address=(source, 0))
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            text = reply.read().decode(errors="replace")
            location = reply.getheader("Location") or ""
            cookies = [h.split(";", 1)[0] for h in reply.headers.get_all("Set-Cookie") or []
                       if h.startswith("session=")]
        except (OSError, http.client.HTTPException):
            return Page(started, time.monotonic() - started, method, None, "broken", False), \
                "", "", None
        finally:
            conn.close()
        kind = _classify(reply.status, location, text)
        own = reply.status == 302 or "<html lang=" in text
        page = Page(started, time.monotonic() - started, method, reply.status, kind, own)
        return page, text, location, cookies[-1] if cookies else None

    def _digest(self, token: str) -> str:
        data = self.serializer.loads(token)
        return hashlib.sha256(data["n"].encode()).hexdigest()

    def _open_form(self, source: str) -> tuple[str, dict[str, str], str] | None:
        page, text, _, cookie = self._request("GET", self.path, source)
        if page.kind != "form" or cookie is None:
            with self.ledger.lock:
                self.ledger.forms_failed[f"{page.status}"] += 1
            return None
        return text, dict(TOKENS.findall(text)), cookie

    def _respondent(self, deadline: float) -> None:
        source = _address()
        opened = self._open_form(source)
        if opened is None:
            time.sleep(0.3)
            return
        _, tokens, cookie = opened
        person = Respondent(self._digest(tokens["form_token"]))
        with self.ledger.lock:
            self.ledger.respondents.append(person)
        answers = {code: str(random.randint(1, 4)) for code in CODES}
        answers.update(jenis_kelamin=random.choice("LP"), usia=str(random.randint(17, 80)))
        while time.monotonic() < deadline:
            body = urlencode({**answers, **tokens}).encode()
            page, text, location, new_cookie = self._request("POST", self.path, source, body,
                                                             cookie)
            cookie = new_cookie or cookie
            with self.ledger.lock:
                person.pages.append(page)
            if page.kind == "thanks":
                thanks, text, _, _ = self._request("GET", location, source, cookie=cookie)
                if thanks.status == 200 and "sudah tercatat" in text:
                    thanks.kind = "already"
                elif thanks.status == 200:
                    thanks.kind = "thanks"
                with self.ledger.lock:
                    person.pages.append(thanks)
                return
            if page.kind in ("kept", "limited"):
                tokens = {**tokens, **dict(TOKENS.findall(text))}  # the page's fresh CSRF
            elif page.kind != "broken":
                return  # expired or an error page: a real person would stop here
            time.sleep(0.5)  # "press Send again in a minute", compressed

    def _run(self) -> None:
        while not self._stop.is_set():
            self._respondent(deadline=time.monotonic() + 60)

    def start(self) -> None:
        for _ in range(self.threads):
            thread = threading.Thread(target=self._run, daemon=True)
            thread.start()
            self._workers.append(thread)

    def stop(self) -> None:
        """Stop starting respondents; those under way finish (bounded by their deadline)."""
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=90)
