"""Which campaigns' rows a caller may read and write.

Every read and write of call data takes a ``Scope`` and filters by it where the
rows are loaded, so no spelling of a GraphQL request and no resolver can reach
another campaign's data: a row outside the scope is simply not there. The
scope is a required argument, never a default, so a new read cannot forget it.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, true

from app.core.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Scope:
    campaigns: frozenset[str] | None
    """Campaign ids the caller may see; ``None`` means every campaign."""

    @classmethod
    def of(cls, campaigns: Collection[str] | None) -> "Scope":
        return cls(None if campaigns is None else frozenset(campaigns))

    @property
    def is_everything(self) -> bool:
        return self.campaigns is None

    def sees(self, campaign_id: str | None) -> bool:
        """A call without a campaign is visible only to an unscoped caller."""
        return self.campaigns is None or (campaign_id is not None and campaign_id in self.campaigns)

    def where(self, column: Any) -> ColumnElement[bool]:
        """The SQL condition that keeps rows whose ``column`` (a campaign id) is in scope."""
        if self.campaigns is None:
            return true()
        if not self.campaigns:
            return false()
        return column.in_(sorted(self.campaigns))  # type: ignore[no-any-return]

    def require(self, field: str, campaign_id: str | None) -> None:
        """Refuse an argument that names a campaign outside the scope (or none, when scoped)."""
        if self.campaigns is None:
            return
        if campaign_id is None:
            raise Forbidden(f"this token is scoped to campaigns: {field} must name one of them", field=field)
        if campaign_id not in self.campaigns:
            raise Forbidden(f"this token may not use campaign {campaign_id!r}", field=field)


EVERY_CAMPAIGN = Scope(None)
"""Unscoped: admins' tools, the retention job, a server with authentication off."""

NO_CAMPAIGN = Scope(frozenset())
"""What an unauthenticated caller sees when authentication is on: nothing."""
