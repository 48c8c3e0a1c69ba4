"""Receipt codes: 16 Crockford base32 characters (80 random bits), shown as XXXX-XXXX-XXXX-XXXX."""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 16
GROUP = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DROP = str.maketrans("", "", " -_.\t\r\n")


def new_receipt() -> str:
    """A fresh receipt, normalised (no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(receipt: str) -> str:
    """Grouped for reading and typing: ABCD-EFGH-JKMN-PQRS."""
    return "-".join(receipt[i:i + GROUP] for i in range(0, len(receipt), GROUP))


def normalise(typed: str) -> str:
    """What a person typed, as the canonical receipt: case, separators and look-alikes folded.

    Malformed input is returned folded, never refused here: checking it costs the same as
    checking a well-formed receipt, so a typo and an unknown receipt look alike.
    """
    return typed[:100].upper().translate(_DROP).translate(_CONFUSABLE)


def is_wellformed(receipt: str) -> bool:
    """Sixteen characters of the alphabet."""
    return len(receipt) == LENGTH and all(c in ALPHABET for c in receipt)
