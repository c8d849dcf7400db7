"""``NewTranscriptEntry``: one addTranscriptEntry request, its validation, its retry fingerprint,
and how it fills the stored line (a ``LiveTranscript`` row)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.calls.enums import Sentiment, Speaker
from app.calls.models import LiveCall, LiveTranscript, SentimentAnalysis
from app.calls.ranges import CONFIDENCE
from app.calls.sentiment import roll
from app.core.errors import Conflict
from app.core.store import Store
from app.core.validation import in_range, not_blank

MAX_TEXT_LENGTH = 10_000
OPERATION = "addTranscriptEntry"


@dataclass(frozen=True)
class NewTranscriptEntry:
    call_id: str
    timestamp: str
    speaker: Speaker
    text: str
    is_final: bool
    sentiment: Sentiment | None = None
    confidence: float | None = None
    segment_id: str | None = None
    idempotency_key: str | None = None

    def validate(self) -> None:
        not_blank("timestamp", self.timestamp, max_length=100)
        not_blank("text", self.text, max_length=MAX_TEXT_LENGTH)
        not_blank("segmentId", self.segment_id, max_length=200)
        in_range("confidence", self.confidence, *CONFIDENCE)
        not_blank("idempotencyKey", self.idempotency_key, max_length=200)

    @property
    def rolls_sentiment(self) -> bool:
        return self.sentiment is not None and self.is_final

    def arguments(self) -> dict[str, Any]:
        """What a retry with the same idempotency key must repeat exactly."""
        return {
            "timestamp": self.timestamp,
            "speaker": self.speaker.value,
            "text": self.text,
            "is_final": self.is_final,
            "sentiment": self.sentiment.value if self.sentiment else None,
            "confidence": self.confidence,
            "segment_id": self.segment_id,
        }

    def new_row(self, store: Store, call: LiveCall, now: datetime) -> LiveTranscript:
        """The call's next line, in order: takes the call's next transcript number."""
        assert call.id is not None
        row = store.new(
            LiveTranscript,
            live_call_id=call.id,
            order=call.transcript_count,
            segment_id=self.segment_id,
            created_at=now,
            timestamp=self.timestamp,
            speaker=self.speaker.value,
            text=self.text,
            is_final=self.is_final,
        )
        call.transcript_count += 1
        return row

    def check_replaces(self, row: LiveTranscript) -> None:
        """Only an interim line of the segment may be replaced."""
        if row.is_final:
            raise Conflict(
                f"segment {self.segment_id!r} is already final; it cannot be replaced",
                field="segmentId",
            )

    def fill(self, row: LiveTranscript, call: LiveCall, now: datetime) -> None:
        """Write this line into ``row`` (new, or the interim line of its segment)."""
        row.timestamp = self.timestamp
        row.speaker = self.speaker.value
        row.text = self.text
        row.sentiment = self.sentiment.value if self.sentiment else None
        row.confidence = self.confidence
        row.is_final = self.is_final
        call.current_speaker = self.speaker.value
        call.updated_at = now


def record_label(row: SentimentAnalysis, label: Sentiment, now: datetime) -> None:
    """Roll the call's sentiment with a final line's label."""
    mix = roll(row.positive_percentage, row.neutral_percentage, row.negative_percentage, label)
    row.positive_percentage = mix.positive
    row.neutral_percentage = mix.neutral
    row.negative_percentage = mix.negative
    row.trend = mix.trend.value
    if label is Sentiment.POSITIVE:
        row.last_positive_moment = now
    elif label is Sentiment.NEGATIVE:
        row.last_negative_moment = now
    row.updated_at = now
