"""addTranscriptEntry as one job of the SQLite group commit (``app.core.sqlite_writer``).

The same steps as the ORM path in ``transcripts``, as plain SQL on the
connection's thread: the database's write lock is held by the batch's
``BEGIN IMMEDIATE``, so the call's counters are allocated without races.
"""

import sqlite3
from dataclasses import dataclass
from typing import Any

from app.calls.enums import EventType
from app.calls.errors import call_not_found
from app.calls.events import Event, next_event, snapshot
from app.calls.idempotency import key_row, served
from app.calls.lifecycle import ensure_open
from app.calls.models import CallEvent, IdempotencyKey, LiveCall, LiveTranscript, SentimentAnalysis
from app.calls.transcript_line import LINE_FIELDS, OPERATION, SENTIMENT_FIELDS, Line, record_label
from app.core.scope import Scope
from app.core.sqlite_rows import insert, insert_values, select_one, update
from app.core.sqltypes import utcnow

CALL_FIELDS = ("transcript_count", "current_speaker", "updated_at", "last_sequence")


@dataclass(frozen=True)
class Appended:
    entry: LiveTranscript
    events: list[Event]


def append(line: Line, scope: Scope, connection: sqlite3.Connection) -> Appended:
    call = select_one(connection, LiveCall, call_id=line.call_id)
    if call is None or not scope.sees(call.campaign_id):
        raise call_not_found(line.call_id)
    if line.idempotency_key is not None:
        key = select_one(connection, IdempotencyKey, live_call_id=call.id, key=line.idempotency_key)
        if key is not None:
            done = served(key, OPERATION, line.arguments())
            entry = select_one(connection, LiveTranscript, id=done)
            assert entry is not None
            return Appended(entry, [])
    if not line.is_final:
        ensure_open(call, "an interim transcript line")
    now = utcnow()
    entry = None
    if line.segment_id is not None:
        entry = select_one(connection, LiveTranscript, live_call_id=call.id, segment_id=line.segment_id)
    if entry is not None:
        line.check_replaces(entry)
        line.fill(entry, call, now)
        update(connection, entry, *LINE_FIELDS)
        kind = EventType.TRANSCRIPT_UPDATED
    else:
        entry = line.new_entry(call, now)
        line.fill(entry, call, now)
        insert(connection, entry)
        kind = EventType.TRANSCRIPT_ADDED
    assert entry.id is not None
    if line.idempotency_key is not None:
        insert(connection, key_row(call, line.idempotency_key, OPERATION, line.arguments(), entry.id))
    events = [_record(connection, call, kind, {"transcript": snapshot(entry)})]
    if line.sentiment is not None and line.rolls_sentiment:
        row = select_one(connection, SentimentAnalysis, live_call_id=call.id)
        assert row is not None
        record_label(row, line.sentiment, now)
        update(connection, row, *SENTIMENT_FIELDS)
        events.append(_record(connection, call, EventType.SENTIMENT_UPDATED, {"sentiment": snapshot(row)}))
    update(connection, call, *CALL_FIELDS)
    return Appended(entry, events)


def _record(
    connection: sqlite3.Connection, call: LiveCall, kind: EventType, payload: dict[str, Any]
) -> Event:
    event = next_event(call, kind, payload)
    values = {
        "live_call_id": call.id,
        "seq": event.seq,
        "type": kind.value,
        "payload": payload,
        "created_at": event.created_at,
    }
    insert_values(connection, CallEvent, values)
    return event
