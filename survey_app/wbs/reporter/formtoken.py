"""One-time tokens of the reporter's forms, so that a resent form never stores twice.

The report form carries the receipt its report will get, sealed under a key derived from
SECRET_KEY (the page never holds a readable receipt). A form sent again (Reload of the receipt
page, Forward, a double tap) names the same receipt, so the server finds the report it already
stored (by the receipt's lookup id) and shows that receipt again instead of storing a second
report. An answer form carries a random token, stored (as a digest) with the answer, in the
database, so a resend on any app server finds it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from dataclasses import dataclass

from .. import crypto
from ..receipt import is_wellformed, new_receipt

_PURPOSE = "wbs-form-receipt"  # 16 bytes at most: blake2b's personalisation
# A resent report form shows its receipt again for this long after the form was opened (the
# reporter reloading or going back and forth); later, whoever replays it from the browser's
# history on a shared device is only told the report was received.
SHOW_AGAIN_SECONDS = 2 * 3600


@dataclass(frozen=True)
class Sealed:
    """What a report form's token holds."""

    receipt: str
    issued: int

    def may_show_again(self, now: float | None = None) -> bool:
        """Whether a resend of this form may show its receipt again."""
        return (now if now is not None else time.time()) - self.issued <= SHOW_AGAIN_SECONDS


def issue(secret_key: str, now: float | None = None) -> str:
    """A new report form's token: a fresh receipt and the time, sealed."""
    issued = int(now if now is not None else time.time())
    blob = crypto.encrypt(crypto.app_key(secret_key, _PURPOSE),
                          f"{new_receipt()}:{issued}".encode())
    return base64.urlsafe_b64encode(blob).decode()


def read(secret_key: str, token: str) -> Sealed | None:
    """The receipt and time a token seals, or None for anything this app did not issue."""
    try:
        blob = base64.urlsafe_b64decode(token[:200].encode("ascii"))
        receipt, issued = crypto.decrypt(crypto.app_key(secret_key, _PURPOSE),
                                         blob).decode().split(":")
    except (ValueError, UnicodeError, binascii.Error, crypto.CryptoError):
        return None
    return Sealed(receipt, int(issued)) if is_wellformed(receipt) and issued.isdigit() else None


def answer_token() -> str:
    """A random token for one answer form."""
    return secrets.token_urlsafe(18)


def answer_digest(token: str) -> str:
    """What is stored of a spent answer token (wbs_answer_tokens): a digest, not the token."""
    return hashlib.blake2b(token[:100].encode(), digest_size=16).hexdigest()
