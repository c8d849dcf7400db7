"""One settings object, read from the environment, with defaults that run on a laptop."""

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Environment first (``DATABASE_URL``, ``BROADCAST_URL``, ...), then these defaults."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite+aiosqlite:///./livecalls.db",
        description="SQLAlchemy async URL: a SQLite file by default, postgresql+asyncpg://… at scale.",
    )
    broadcast_url: str = Field(
        default="memory://",
        description="encode/broadcaster URL: memory:// for one process, redis://… across workers.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="json: one JSON object per line; text: for people; auto: text on a terminal, else json.",
    )
    shutdown_timeout: float = Field(
        default=10,
        gt=0,
        description="Seconds a shutdown waits for streams and requests to finish before cancelling them.",
    )
    readiness_timeout: float = Field(
        default=2, gt=0, description="Seconds /readyz waits for each dependency to answer."
    )

    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    sqlite_group_commit: bool = Field(
        default=True,
        description=(
            "On SQLite, run mutations as plain SQL in a group commit (many per transaction); "
            "false runs them through the ORM, as on PostgreSQL."
        ),
    )
    subscriber_buffer: int = Field(
        default=1_000,
        ge=1,
        description="Events one subscriber may have queued before it is closed as too slow.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1_024,
        description="Largest HTTP request body, and largest WebSocket message, in bytes.",
    )
    anonymous_max_body_bytes: int = Field(
        default=65_536,
        ge=1_024,
        description=(
            "Largest HTTP request body from a caller without a valid token (auth on), in bytes: "
            "room for an introspection-sized document, refused before it is read."
        ),
    )
    max_query_length: int = Field(
        default=100_000,
        ge=1_000,
        description="Longest GraphQL document, in characters; a longer one is refused before it is parsed.",
    )
    anonymous_max_query_length: int = Field(
        default=10_000,
        ge=1_000,
        description="Longest document from a caller without a valid token (auth on): introspection-sized.",
    )
    anonymous_max_tokens: int = Field(
        default=1_000,
        ge=100,
        description="Most tokens in a document from a caller without a valid token (auth on); else 5,000.",
    )
    max_selections: int = Field(
        default=2_000,
        ge=100,
        description=(
            "Selections (fields, fragment spreads, inline fragments) one document may make, "
            "a fragment's counted at each spread; checked before validation."
        ),
    )
    anonymous_max_selections: int = Field(
        default=500,
        ge=100,
        description="max_selections for a caller without a valid token (auth on): twice introspection's.",
    )
    max_root_fields: int = Field(
        default=50, ge=1, description="Root fields one operation may select, fragments included."
    )
    max_fragment_depth: int = Field(
        default=20, ge=1, description="Longest chain of fragment spreads (a fragment spreading one that …)."
    )
    max_field_comparisons: int = Field(
        default=5_000,
        ge=100,
        description=(
            "Comparisons the overlapping-fields check may make (fields of one name in one selection "
            "set): estimated before validation, and graphql-core's own budget during it."
        ),
    )
    document_cache_bytes: int = Field(
        default=32 * 1_048_576,
        ge=0,
        description="Estimated bytes of parsed and validated documents kept for reuse; 0 keeps none.",
    )
    transcript_page_default: int = Field(default=200, ge=1)
    transcript_page_max: int = Field(default=1_000, ge=1)
    calls_page_default: int = Field(default=50, ge=1)
    calls_page_max: int = Field(default=200, ge=1)

    keep_alive_interval: float = Field(
        default=15,
        ge=0,
        description="Seconds between server pings on idle WebSockets (both protocols); 0 turns them off.",
    )
    connection_init_timeout: float = Field(
        default=10,
        gt=0,
        description="Seconds a WebSocket may stay open without connection_init (both protocols); then 4408.",
    )
    gc_young_threshold: int = Field(
        default=5_000,
        ge=100,
        le=10_000_000,
        description=(
            "Python's first GC threshold: objects allocated and not yet freed between young "
            "collections (Python's default is 700). A young collection walks what the requests in "
            "flight hold: at 700 an append cost about 80 µs more (benchmark 2), and 20,000 saves "
            "no more than 5,000. Second-generation collections stay about 7,000 such allocations "
            "apart at any value."
        ),
    )
    gc_full_collection_every: int = Field(
        default=100,
        ge=1,
        le=100_000,
        description=(
            "Python's third GC threshold: second-generation collections between full ones "
            "(Python's default is 10). A full collection walks every live object: with a thousand "
            "subscriptions open, a 20 to 90 ms pause of the whole worker, five times a minute "
            "under benchmark 3's load at 10."
        ),
    )
    max_subscriptions_per_connection: int = Field(
        default=100,
        ge=1,
        description="Operations one WebSocket may run at once; more get TOO_MANY_SUBSCRIPTIONS.",
    )
    header_timeout: float = Field(
        default=10,
        gt=0,
        description=(
            "Seconds a client has to send a request's headers, from connecting or from the request's "
            "first byte (`python -m app serve`); then the connection is closed."
        ),
    )
    body_timeout: float = Field(
        default=10,
        gt=0,
        le=3600,
        description=(
            "Seconds a client has to send a GraphQL request's body once the server starts reading "
            "it; then HTTP 408 `REQUEST_TIMEOUT` and the connection is closed."
        ),
    )
    graphql_allowed_origins: tuple[str, ...] = ()
    trusted_documents: Path | None = Field(
        default=None,
        description=(
            "A JSON manifest {sha256 hex: document}: only those documents run, sent by hash "
            "(documentId or Apollo's persistedQuery extension) or in full. Unset: any document."
        ),
    )
    graphiql: bool | None = Field(
        default=None,
        description="Serve GraphiQL at GET /graphql; unset: on, except with ENVIRONMENT=production.",
    )
    introspection: bool | None = Field(
        default=None,
        description=(
            "Answer __schema and __type (GraphiQL needs them; with TRUSTED_DOCUMENTS they pass the "
            "allow-list); unset: on, except with ENVIRONMENT=production."
        ),
    )
    ws_implementation: Literal["wsproto", "websockets-sansio", "websockets"] = Field(
        default="wsproto",
        description=(
            "uvicorn's WebSocket protocol for `python -m app serve`: wsproto, served through "
            "LeanWSProtocol (app/adapters/uvicorn.py), holds an idle connection in about 7 KB less "
            "than uvicorn's own wsproto protocol, itself about 3 KB less than websockets, and sends as fast."
        ),
    )
    ws_compression: bool = Field(
        default=False,
        description=(
            "permessage-deflate on WebSockets served by `python -m app serve`: less bandwidth on slow "
            "links, but about 40 KB more server memory per connection and CPU for every message sent."
        ),
    )

    environment: Literal["development", "production"] = Field(
        default="development",
        description="production refuses to start without a JWT key, or with AUTH_DISABLED.",
    )
    auth_disabled: bool = Field(
        default=False,
        description="Serve every request without a token (development only; logged loudly).",
    )
    jwt_secret: SecretStr | None = Field(default=None, description="HS256 key (at least 32 characters).")
    jwt_public_key: str | None = Field(
        default=None, description="RS256/ES256 public key: a PEM, or the path of a PEM file."
    )
    jwt_audience: str = "live-call-monitor"
    jwt_issuer: str | None = None
    jwt_role_claim: str = Field(default="role", description="The claim holding the token's role.")
    dev_secret_file: str = Field(
        default=".livecalls-dev-secret",
        description="Development only: where the local signing secret is kept when no key is set.",
    )

    redact: tuple[str, ...] = Field(
        default=("CREDIT_DEBIT_NUMBER", "CREDIT_DEBIT_CVV", "CREDIT_DEBIT_EXPIRY", "PIN", "SSN"),
        description=(
            "What transcript lines are cleaned of before anything stores or sends them, for calls of "
            "campaigns that set no policy (JSON list of kinds; [] turns redaction off, loudly)."
        ),
    )
    redact_keep_last_four: tuple[str, ...] = Field(
        default=(), description="Kinds replaced by their last four digits (•••• 1111) instead of [KIND]."
    )
    redaction_window: float = Field(
        default=30,
        ge=0,
        le=300,
        description=(
            "Seconds within which a speaker's next final line may finish a card number the last one began."
        ),
    )
    phone_region: str = Field(
        default="US",
        min_length=2,
        max_length=2,
        description="Where phone numbers said without a country code are read as from (ISO 3166 code).",
    )
    retention_days: float = Field(
        default=30,
        gt=0,
        le=36_500,
        description="Days an ended call's live records are kept when its campaign sets no retention period.",
    )
    retention_interval: float = Field(
        default=0,
        ge=0,
        description="Seconds between background retention runs; 0 runs none (`python -m app retention`).",
    )
    instruction_ack_timeout: float = Field(
        default=30,
        ge=1,
        le=86_400,
        description=(
            "Seconds the pipeline has to acknowledge an agent instruction before it is flagged overdue"
            " and raises an alert."
        ),
    )
    webhook_urls: tuple[str, ...] = Field(
        default=(), description="URLs that receive a signed JSON POST when a call ends (JSON list)."
    )
    webhook_secret: SecretStr = Field(
        default=SecretStr(""), description="HMAC-SHA256 key of the X-Webhook-Signature header."
    )
    webhook_timeout: float = Field(default=10, gt=0, description="Seconds one delivery attempt may take.")
    webhook_max_attempts: int = Field(default=10, ge=1)
    webhook_backoff: float = Field(
        default=2, gt=0, description="Seconds before the first retry; doubles with each attempt."
    )
    webhook_backoff_max: float = Field(default=3_600, gt=0)
    webhook_poll_interval: float = Field(
        default=5, gt=0, description="Seconds the delivery worker sleeps when nothing wakes it."
    )

    rules_deadline_poll: float = Field(
        default=0.5,
        gt=0,
        le=60,
        description="Seconds between the checks for time-based rules' deadlines that came due.",
    )

    @model_validator(mode="after")
    def _webhooks_are_signed(self) -> "Settings":
        if self.webhook_urls and not self.webhook_secret.get_secret_value():
            raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URLS is")
        return self

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else self.environment != "production"

    @cached_property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else self.environment != "production"
