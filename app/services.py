"""The app-wide container: what the app builds once at startup and every request shares.

Built by ``app.main`` and handed to every transport (GraphQL, the report
downloads, health checks) and background task, so none of them imports another
to reach it.
"""

from dataclasses import dataclass

from app.auth.tokens import Authenticator
from app.calls.relay import CallRelays
from app.calls.writes import WritePath
from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub
from app.ops.metrics import Metrics


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    pubsub: PubSub
    metrics: Metrics
    auth: Authenticator
    writes: WritePath
    relays: CallRelays
