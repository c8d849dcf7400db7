"""Transcript lines: ordered appends, interim lines replaced in place, rolling sentiment."""

from sqlmodel import select

from app.calls.enums import (
    EventType,
    Sentiment,
    Speaker,
)
from app.calls.errors import Conflict
from app.calls.events import Transaction, snapshot
from app.calls.idempotency import remember, replayed
from app.calls.lifecycle import ensure_open
from app.calls.locks import lock_call, one_for_call
from app.calls.models import (
    LiveCall,
    LiveTranscript,
    SentimentAnalysis,
)
from app.calls.sentiment import roll
from app.calls.validation import in_range, not_blank
from app.core.sqltypes import utcnow

MAX_TEXT_LENGTH = 10_000


async def add_transcript_entry(
    tx: Transaction,
    *,
    call_id: str,
    timestamp: str,
    speaker: Speaker,
    text: str,
    is_final: bool,
    sentiment: Sentiment | None = None,
    confidence: float | None = None,
    segment_id: str | None = None,
    idempotency_key: str | None = None,
) -> LiveTranscript:
    """Append a line in order; final lines with a sentiment roll the call's sentiment.

    With ``segment_id``, a line whose segment is already on the call replaces
    that interim line in place (same order): speech-to-text engines send
    interim guesses, then the final text of the same segment. After the call
    ended only final lines are accepted: finals often arrive just after hang-up.
    """
    not_blank("timestamp", timestamp, max_length=100)
    not_blank("text", text, max_length=MAX_TEXT_LENGTH)
    not_blank("segmentId", segment_id, max_length=200)
    in_range("confidence", confidence, 0, 1)
    not_blank("idempotencyKey", idempotency_key, max_length=200)
    call = await lock_call(tx, call_id)
    assert call.id is not None
    request = {
        "timestamp": timestamp,
        "speaker": speaker.value,
        "text": text,
        "is_final": is_final,
        "sentiment": sentiment.value if sentiment else None,
        "confidence": confidence,
        "segment_id": segment_id,
    }
    if idempotency_key is not None:
        done = await replayed(tx, call, idempotency_key, "addTranscriptEntry", request)
        if done is not None:
            return await tx.session.get_one(LiveTranscript, done)
    if not is_final:
        ensure_open(call, "an interim transcript line")
    now = utcnow()
    entry = await _segment(tx, call, segment_id) if segment_id is not None else None
    if entry is not None:
        if entry.is_final:
            raise Conflict(
                f"segment {segment_id!r} is already final; it cannot be replaced",
                field="segmentId",
            )
        kind = EventType.TRANSCRIPT_UPDATED
    else:
        kind = EventType.TRANSCRIPT_ADDED
        entry = LiveTranscript(
            live_call_id=call.id,
            order=call.transcript_count,
            segment_id=segment_id,
            created_at=now,
            timestamp=timestamp,
            speaker=speaker.value,
            text=text,
            is_final=is_final,
        )
        call.transcript_count += 1
        tx.session.add(entry)
    entry.timestamp = timestamp
    entry.speaker = speaker.value
    entry.text = text
    entry.sentiment = sentiment.value if sentiment else None
    entry.confidence = confidence
    entry.is_final = is_final
    call.current_speaker = speaker.value
    call.updated_at = now
    await tx.session.flush()
    if idempotency_key is not None:
        assert entry.id is not None
        remember(tx, call, idempotency_key, "addTranscriptEntry", request, entry.id)
    tx.record(call, kind, {"transcript": snapshot(entry)})
    if sentiment is not None and is_final:
        await _roll_sentiment(tx, call, sentiment)
    return entry


async def _segment(tx: Transaction, call: LiveCall, segment_id: str) -> LiveTranscript | None:
    query = select(LiveTranscript).where(
        LiveTranscript.live_call_id == call.id, LiveTranscript.segment_id == segment_id
    )
    return (await tx.session.exec(query)).first()


async def _roll_sentiment(tx: Transaction, call: LiveCall, label: Sentiment) -> None:
    row = await one_for_call(tx, SentimentAnalysis, call)
    mix = roll(row.positive_percentage, row.neutral_percentage, row.negative_percentage, label)
    now = utcnow()
    row.positive_percentage = mix.positive
    row.neutral_percentage = mix.neutral
    row.negative_percentage = mix.negative
    row.trend = mix.trend.value
    if label is Sentiment.POSITIVE:
        row.last_positive_moment = now
    elif label is Sentiment.NEGATIVE:
        row.last_negative_moment = now
    row.updated_at = now
    tx.record(call, EventType.SENTIMENT_UPDATED, {"sentiment": snapshot(row)})
