"""VAPID key pairs for web push (no models: production settings import this to check keys)."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_vapid_keys() -> tuple[str, str]:
    """A new P-256 key pair as (private, public): the raw private number and the uncompressed
    public point, base64url without padding (the browser's ``applicationServerKey``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(private), b64url(public)


def vapid_keys_match(private_key: str, public_key: str) -> bool:
    """Whether ``public_key`` is the public half of ``private_key`` (both as configured)."""
    try:
        vapid = Vapid.from_string(private_key=private_key)
        public = vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    except (ValueError, TypeError, binascii.Error):
        return False
    return b64url(public) == public_key.strip()
