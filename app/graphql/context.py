"""Per-request context: the app's services and a fresh set of DataLoaders."""

from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.auth.errors import Unauthenticated
from app.auth.principal import Principal
from app.auth.tokens import Authenticator
from app.calls.writes import Change, write
from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub
from app.core.scope import EVERY_CAMPAIGN, NO_CAMPAIGN, Scope
from app.graphql.loaders import Loaders
from app.graphql.sharing import SharedResults
from app.ops.metrics import Metrics

T = TypeVar("T")


@dataclass(frozen=True)
class Services:
    """What the app builds once at startup and every request shares."""

    settings: Settings
    db: Database
    pubsub: PubSub
    metrics: Metrics
    auth: Authenticator
    shared_results: SharedResults = field(default_factory=SharedResults)


@dataclass
class Context:
    services: Services
    request: Request | WebSocket
    response: Response | None = None
    principal: Principal | None = None
    connection_params: dict[str, Any] | None = None
    auth_error: Unauthenticated | None = None
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
        return await write(self.services.db, self.services.pubsub, self.scope, change)
