"""A transcript line cleaned of sensitive data before anything of it is written.

The call's policy (stored on the call when it started, from its campaign or
the server's default) is applied to the line's text first, so the row, its
event, the idempotency record and everything made from them hold only the
redacted text. A card number split across two consecutive final lines of one
speaker (within ``REDACTION_WINDOW`` seconds) is caught too: the earlier line
is rewritten (a TRANSCRIPT_UPDATED event) and the new one redacted.
"""

import re
from dataclasses import replace
from datetime import timedelta

from app.calls.enums import EventType
from app.calls.events import Transaction, snapshot
from app.calls.models import LiveCall, LiveTranscript
from app.calls.new_transcript_entry import NewTranscriptEntry
from app.core.sqltypes import utcnow
from app.redaction.detect import card_digits
from app.redaction.entities import Entity
from app.redaction.redact import Policy, redact
from app.redaction.spoken import NUMBER_WORD, Run, runs

PUNCTUATION = " ,.;:-"
PAUSED = "[paused]"
NUMBER_START = re.compile(r"[\s,.;:-]*(?:\d|" + NUMBER_WORD + ")", re.IGNORECASE)
CARD = f"[{Entity.CREDIT_DEBIT_NUMBER.value}]"


async def policy_of(tx: Transaction, call: LiveCall) -> Policy:
    if call.redaction is None:  # a call started before policies were stored on calls
        return await tx.hooks.redaction(tx.store, call.campaign_id)
    return Policy.from_stored(call.redaction)


async def redacted(tx: Transaction, call: LiveCall, line: NewTranscriptEntry) -> NewTranscriptEntry:
    """``line`` with its text redacted under the call's policy: what a retry repeats exactly."""
    policy = await policy_of(tx, call)
    if not policy.entities:
        return line
    text = redact(line.text, policy).text
    return line if text == line.text else replace(line, text=text)


async def finish_split_card(
    tx: Transaction, call: LiveCall, line: NewTranscriptEntry, replacing: LiveTranscript | None
) -> NewTranscriptEntry:
    """A final line that completes a card number its speaker's previous line began: both redacted."""
    window = tx.hooks.redaction_window
    if not line.is_final or window <= 0:
        return line
    leading = _leading_run(line.text)
    previous_order = (replacing.order if replacing is not None else call.transcript_count) - 1
    if leading is None or previous_order < 0:
        return line
    if Entity.CREDIT_DEBIT_NUMBER not in (await policy_of(tx, call)).entities:
        return line
    previous = await tx.store.one(LiveTranscript, live_call_id=call.id, order=previous_order)
    if (
        previous is None
        or not previous.is_final
        or previous.speaker != line.speaker.value
        or utcnow() - previous.created_at > timedelta(seconds=window)
    ):
        return line
    trailing = _trailing_run(previous.text)
    if trailing is None:
        return line
    stretch = card_digits(trailing.digits + leading.digits)
    split = len(trailing.digits)
    if stretch is None or not stretch[0] < split < stretch[1]:
        return line
    start, _ = trailing.span_of(stretch[0], split - 1)
    previous.text = previous.text[:start] + CARD + previous.text[trailing.end :]
    tx.record(call, EventType.TRANSCRIPT_UPDATED, {"transcript": snapshot(previous)})
    _, end = leading.span_of(0, stretch[1] - split - 1)
    return replace(line, text=CARD + line.text[end:])


def withheld(line: NewTranscriptEntry) -> NewTranscriptEntry:
    """A line said while recording is paused: its text is never kept (the payment pause)."""
    return replace(line, text=PAUSED)


def _leading_run(text: str) -> Run | None:
    if not NUMBER_START.match(text):
        return None
    found = runs(text)
    return found[0] if found and not text[: found[0].start].strip(PUNCTUATION) else None


def _trailing_run(text: str) -> Run | None:
    found = runs(text)
    return found[-1] if found and not text[found[-1].end :].strip(PUNCTUATION) else None
