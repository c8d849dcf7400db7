"""Bearer tokens: verification (HS256 secret, or RS256/ES256 public key) and dev minting."""

import logging
import os
import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jwt

from app.auth.errors import AuthConfigurationError, Unauthenticated
from app.auth.principal import Principal
from app.auth.roles import Role
from app.core.config import Settings

log = logging.getLogger("app.auth")

ASYMMETRIC = ["RS256", "ES256"]


@dataclass(frozen=True)
class Authenticator:
    """Verifies tokens; ``disabled`` means every request is served anonymously."""

    disabled: bool
    verifying_key: Any = None
    signing_key: Any = None
    algorithms: tuple[str, ...] = ()
    audience: str = ""
    issuer: str | None = None
    role_claim: str = "role"
    _verified: dict[str, tuple[Principal, float]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    """Tokens already verified, until their expiry: a screen sends the same token with every request."""

    @classmethod
    def from_settings(cls, settings: Settings) -> "Authenticator":
        """Decide how requests are authenticated, refusing configurations that would be unsafe."""
        production = settings.environment == "production"
        if settings.auth_disabled:
            if production:
                raise AuthConfigurationError("AUTH_DISABLED cannot be used with ENVIRONMENT=production")
            log.warning(
                "AUTHENTICATION IS DISABLED (AUTH_DISABLED=true): anyone who can reach this server can "
                "read every call and run every mutation. Never expose it beyond this machine."
            )
            return cls(disabled=True)
        base = cls(
            disabled=False,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            role_claim=settings.jwt_role_claim,
        )
        if settings.jwt_public_key:
            key = _read_key(settings.jwt_public_key)
            return replace(base, verifying_key=key, algorithms=tuple(ASYMMETRIC))
        if settings.jwt_secret is not None:
            secret = settings.jwt_secret.get_secret_value()
            if len(secret) < 32:
                raise AuthConfigurationError("JWT_SECRET must be at least 32 characters")
            return replace(base, verifying_key=secret, signing_key=secret, algorithms=("HS256",))
        if production:
            raise AuthConfigurationError(
                "ENVIRONMENT=production needs JWT_SECRET (HS256) or JWT_PUBLIC_KEY (RS256/ES256)"
            )
        secret = development_secret(Path(settings.dev_secret_file))
        log.warning(
            "development mode: tokens are signed with the local secret in %s; "
            "mint one with `python -m app token --role admin`",
            settings.dev_secret_file,
        )
        return replace(base, verifying_key=secret, signing_key=secret, algorithms=("HS256",))

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            principal, expires = known
            if time.time() < expires:
                return principal
            del self._verified[token]
        principal, expires = self._verify(token)
        if len(self._verified) >= 4_096:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self.verifying_key,
                algorithms=list(self.algorithms),
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthenticated("the bearer token has expired") from error
        except jwt.InvalidAudienceError as error:
            raise Unauthenticated(f"the bearer token is not for audience {self.audience!r}") from error
        except jwt.InvalidSignatureError as error:
            raise Unauthenticated("the bearer token's signature is not valid") from error
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"the bearer token is not valid: {error}") from error
        try:
            role = Role(str(claims.get(self.role_claim)))
        except ValueError as error:
            roles = ", ".join(role.value for role in Role)
            raise Unauthenticated(f"the token's {self.role_claim!r} claim must be one of {roles}") from error
        campaigns = claims.get("campaigns")
        if campaigns is not None and not (
            isinstance(campaigns, list) and all(isinstance(c, str) for c in campaigns)
        ):
            raise Unauthenticated("the token's 'campaigns' claim must be a list of campaign ids")
        principal = Principal(
            subject=str(claims["sub"]),
            name=str(claims.get("name") or claims["sub"]),
            role=role,
            campaigns=frozenset(campaigns) if campaigns is not None else None,
        )
        return principal, float(claims["exp"])

    def verify_header(self, value: str | None) -> Principal | None:
        """A principal from ``Authorization: Bearer …``; ``None`` when there is no header."""
        if not value:
            return None
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
        return self.verify(token.strip())

    def mint(
        self,
        *,
        role: Role,
        subject: str,
        name: str | None = None,
        campaigns: list[str] | None = None,
        ttl_seconds: int = 8 * 3600,
    ) -> str:
        """A signed token (HS256); servers that only hold a public key cannot mint."""
        if self.signing_key is None:
            raise AuthConfigurationError("this server verifies tokens with a public key and cannot sign any")
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": subject,
            "name": name or subject,
            self.role_claim: role.value,
            "aud": self.audience,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        if self.issuer:
            claims["iss"] = self.issuer
        if campaigns is not None:
            claims["campaigns"] = campaigns
        return jwt.encode(claims, self.signing_key, algorithm="HS256")


def _read_key(value: str) -> str:
    """A PEM given inline, or the path of a PEM file."""
    return value if "-----BEGIN" in value else Path(value).read_text()


def development_secret(path: Path) -> str:
    """The local development signing secret, created once (mode 600) beside the database."""
    if path.exists():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret + "\n")
    return secret
