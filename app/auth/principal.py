"""Who is calling: the verified claims of a bearer token."""

from dataclasses import dataclass

from app.auth.roles import Role
from app.core.scope import Scope


@dataclass(frozen=True)
class Principal:
    subject: str
    name: str
    role: Role
    campaigns: frozenset[str] | None = None
    """Campaign ids this token may see; ``None`` means every campaign."""

    @property
    def scope(self) -> Scope:
        """What this caller's reads and writes are filtered by."""
        return Scope(self.campaigns)

    def sees(self, campaign_id: str | None) -> bool:
        return self.scope.sees(campaign_id)


def mask_phone(phone: str) -> str:
    """Keep the last four digits: enough to recognise a number, not to dial it."""
    digits = [char for char in phone if char.isdigit()]
    return "•••• " + "".join(digits[-4:]) if len(digits) > 4 else "••••"
