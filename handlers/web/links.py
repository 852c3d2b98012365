"""Personal sign-in links to the web dashboard: random tokens, stored as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.core.turn import WebConfig
from storage import web_sessions
from storage.db import Tx

# 32 random bytes: 256 bits, URL-safe base64 of 43 characters.
TOKEN_BYTES = 32
LINK_LIFETIME = timedelta(minutes=10)


def new_token() -> str:
    """A fresh unguessable token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def keyed_hash(key: bytes, purpose: str, token: str) -> str:
    """HMAC-SHA256 of a token for one purpose ('link', 'session', 'csrf')."""
    return hmac.new(key, f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignInLink:
    """A one-time link and the moment it stops working."""

    url: str
    expires_at: datetime


async def create_link(tx: Tx, config: WebConfig, person_id: int, now: datetime) -> SignInLink:
    """Store a new one-time link for a person (only its hash is kept)."""
    token = new_token()
    expires_at = now + LINK_LIFETIME
    await web_sessions.add_link(
        tx, keyed_hash(config.key, "link", token), person_id, now, expires_at
    )
    return SignInLink(f"{config.base_url}/web/vao/{token}", expires_at)
