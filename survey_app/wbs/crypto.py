"""Encryption at rest with PyNaCl: X25519 sealed boxes, XSalsa20-Poly1305, Argon2id.

Keys: each channel has an X25519 key pair; each report a random data key that encrypts its
5W1H, public messages and files. The data key is stored twice: sealed to the channel's public
key, and under a key derived from the receipt. Contact details and internal notes are sealed
to the channel only, so a found receipt never reveals who reported.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

import nacl.utils
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id
from nacl.secret import SecretBox

__all__ = ["CryptoError", "KeyPair", "ReceiptKeys"]

KEY_BYTES = SecretBox.KEY_SIZE
# The receipt carries 80 random bits, so one fixed salt is enough: there is nothing to
# precompute against, and the lookup id must be computable before the report is found.
RECEIPT_SALT = b"survey-app/wbs/r"
SALT_BYTES = argon2id.SALTBYTES


@dataclass(frozen=True)
class KeyPair:
    """A channel's X25519 key pair as raw bytes."""

    secret: bytes
    public: bytes


@dataclass(frozen=True)
class ReceiptKeys:
    """What a receipt gives: the id to look the report up by, and the key that unwraps it."""

    lookup_id: str
    wrap_key: bytes


def random_bytes(n: int = KEY_BYTES) -> bytes:
    """Random bytes from the operating system."""
    return nacl.utils.random(n)


def new_keypair() -> KeyPair:
    """A fresh channel key pair."""
    key = PrivateKey.generate()
    return KeyPair(bytes(key), bytes(key.public_key))


def encrypt(key: bytes, data: bytes) -> bytes:
    """Authenticated encryption under a symmetric key (random nonce prepended)."""
    return bytes(SecretBox(key).encrypt(data))


def decrypt(key: bytes, blob: bytes) -> bytes:
    """Open what encrypt() made; CryptoError if the key is wrong or the data altered."""
    return bytes(SecretBox(key).decrypt(blob))


def seal(public_key: bytes, data: bytes) -> bytes:
    """Encrypt to a channel: only its private key opens it."""
    return bytes(SealedBox(PublicKey(public_key)).encrypt(data))


def unseal(secret_key: bytes, blob: bytes) -> bytes:
    """Open a sealed box with the channel's private key."""
    return bytes(SealedBox(PrivateKey(secret_key)).decrypt(blob))


def derive(secret: bytes, salt: bytes, ops: int, mem: int) -> bytes:
    """A symmetric key from a password or receipt (Argon2id)."""
    return bytes(argon2id.kdf(KEY_BYTES, secret, salt, opslimit=ops, memlimit=mem))


def receipt_keys(receipt: str, ops: int, mem: int) -> ReceiptKeys:
    """Lookup id and wrapping key of a (normalised) receipt: one Argon2id run, two subkeys."""
    master = derive(receipt.encode("utf-8")[:64], RECEIPT_SALT, ops, mem)
    lookup = hashlib.blake2b(b"lookup", key=master, digest_size=32).hexdigest()
    wrap = hashlib.blake2b(b"wrap", key=master, digest_size=KEY_BYTES).digest()
    return ReceiptKeys(lookup, wrap)


def app_key(secret_key: str, purpose: str) -> bytes:
    """A key derived from the app's SECRET_KEY (used only for the officers' TOTP secrets)."""
    return hashlib.blake2b(secret_key.encode(), digest_size=KEY_BYTES,
                           person=purpose.encode()[:16]).digest()


def fingerprint(public_key: bytes) -> str:
    """A short, comparable fingerprint of a channel public key."""
    digest = hashlib.blake2b(public_key, digest_size=10).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


_DUMMY_BLOB = encrypt(random_bytes(), random_bytes())


def dummy_unwrap(key: bytes) -> None:
    """Spend what a real unwrap costs, for a receipt that matched nothing."""
    with contextlib.suppress(CryptoError):
        decrypt(key, _DUMMY_BLOB)
