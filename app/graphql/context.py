"""Per-request context: the app's services, the caller, and a fresh set of DataLoaders."""

from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.auth.errors import Unauthenticated
from app.auth.principal import Principal
from app.calls.writes import Change
from app.core.config import Settings
from app.core.scope import EVERY_CAMPAIGN, NO_CAMPAIGN, Scope
from app.graphql.loaders import Loaders
from app.graphql.sharing import SharedResults
from app.services import Services

T = TypeVar("T")


@dataclass
class Context:
    services: Services
    request: Request | WebSocket
    shared_results: SharedResults
    response: Response | None = None
    principal: Principal | None = None
    connection_params: dict[str, Any] | None = None
    auth_error: Unauthenticated | None = None
    prepared_view: int | None = None
    """The serial of the view whose prepared operations (``app.graphql.prepared``) this request
    may run and add to."""
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services.db)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def scope(self) -> Scope:
        """The campaigns every read and write of this request is filtered by.

        With authentication on and no valid token nothing is in scope, so even a
        field the authorization extension missed would find no rows.
        """
        if self.principal is not None:
            return self.principal.scope
        return EVERY_CAMPAIGN if self.services.auth.disabled else NO_CAMPAIGN

    def fresh_loaders(self) -> Loaders:
        """Loaders for one subscription event: a connection-long cache would serve stale rows."""
        return Loaders(self.services.db)

    async def write(self, change: Change[T]) -> T:
        """Run one mutation for this caller through the one write path (``app.calls.writes``)."""
        actor = self.principal.subject if self.principal is not None else None
        return await self.services.writes.run(self.scope, change, actor=actor)
