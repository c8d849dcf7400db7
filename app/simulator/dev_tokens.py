"""Tokens for a development server on this machine, so ``scripts/simulate`` works as it is.

A development server with no key configured signs and verifies tokens with the
secret it keeps in ``DEV_SECRET_FILE`` (see ``python -m app token``). When the
simulator is given no token and that secret is here, it signs its own: an admin
token for what it sends (the pipeline's writes, plus a supervisor's bookmark and
coaching) and a supervisor token for the monitor link it prints.
"""

from dataclasses import dataclass
from pathlib import Path

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings

TTL_SECONDS = 8 * 3600


@dataclass(frozen=True)
class DevTokens:
    simulator: str
    monitor: str


def development_tokens(settings: Settings) -> DevTokens | None:
    """Tokens signed like the development server's, or None where that is not possible or needed."""
    if settings.environment != "development" or settings.auth_disabled or settings.jwt_public_key:
        return None
    if settings.jwt_secret is None and not Path(settings.dev_secret_file).is_file():
        return None  # no development server has run from here: nothing to sign with
    authenticator = Authenticator.from_settings(settings)
    return DevTokens(
        simulator=authenticator.mint(
            role=Role.ADMIN, subject="simulator", name="Call simulator", ttl_seconds=TTL_SECONDS
        ),
        monitor=authenticator.mint(
            role=Role.SUPERVISOR, subject="supervisor-dev", name="Supervisor (dev)", ttl_seconds=TTL_SECONDS
        ),
    )
