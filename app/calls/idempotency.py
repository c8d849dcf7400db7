"""Idempotency keys for the mutations that create records.

The voice pipeline retries on timeouts. A retry carries the same key; the
first result is returned and nothing is written or published again. The key
is scoped to the call and checked under the call's row lock, so two copies
racing each other still write once.
"""

import hashlib
import json
from typing import Any

from app.calls.events import Transaction
from app.calls.models import IdempotencyKey, LiveCall
from app.core.errors import Conflict
from app.core.sqltypes import utcnow


def fingerprint(operation: str, arguments: dict[str, Any]) -> str:
    canonical = json.dumps([operation, arguments], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def replayed(
    tx: Transaction, call: LiveCall, key: str, operation: str, arguments: dict[str, Any]
) -> int | None:
    """The id of the record a previous request with ``key`` created, if any."""
    row = await tx.store.one(IdempotencyKey, live_call_id=call.id, key=key)
    return None if row is None else served(row, operation, arguments)


def served(row: IdempotencyKey, operation: str, arguments: dict[str, Any]) -> int:
    """The record ``row`` says was created; the same key with other content is a client bug,
    not a retry: CONFLICT."""
    if row.operation != operation or row.fingerprint != fingerprint(operation, arguments):
        raise Conflict(
            f"idempotencyKey {row.key!r} was already used for a different {row.operation} request",
            field="idempotencyKey",
        )
    return row.record_id


def remember(
    tx: Transaction,
    call: LiveCall,
    key: str,
    operation: str,
    arguments: dict[str, Any],
    record_id: int,
) -> None:
    assert call.id is not None
    tx.store.add(
        IdempotencyKey,
        live_call_id=call.id,
        key=key,
        operation=operation,
        fingerprint=fingerprint(operation, arguments),
        record_id=record_id,
        created_at=utcnow(),
    )
