"""Resolving API credentials. A browser session cookie never authenticates /api/.

One API key works everywhere: ``Authorization: Token <key>`` (documented v1),
``Authorization: Bearer <key>`` (the official v1 command-line client, PocketSmith
clients), ``Authorization: Key <key>`` (a Home Assistant integration and an npm
PocketSmith client) and ``X-Developer-Key: <key>`` (PocketSmith). Scheme words are matched
without regard to case, as Django REST Framework does.
"""

from dataclasses import dataclass

from flask import g, request

from spendsense.services.auth import tokens

TOKEN_SCHEMES = ("token", "bearer", "key")


@dataclass(frozen=True)
class Credentials:
    present: bool  # the request carried a key in a header we understand
    secret: str | None


def presented_key(*, developer_key_header=False):
    """The API key the request carries, if any."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() in TOKEN_SCHEMES:
            return Credentials(True, value.strip() or None)
    if developer_key_header and "X-Developer-Key" in request.headers:
        return Credentials(True, request.headers["X-Developer-Key"].strip() or None)
    return Credentials(False, None)


def authenticate_token(*, developer_key_header=False):
    """(user or None, credentials) for the request; the user is cached on ``g``."""
    credentials = presented_key(developer_key_header=developer_key_header)
    user = tokens.verify(credentials.secret) if credentials.secret else None
    g.api_user = user
    return user, credentials
