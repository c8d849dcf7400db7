"""Supervisors on the call with its agent: JOIN_CALL opens a participation, the call's end closes it.

A JOIN_CALL's details say the mode: the first word, optionally after ``mode:``,
in any case — ``WHISPER``, ``mode: barge``, ``whisper, coaching on pricing``.
Details that start with no mode name join to LISTEN; an unknown name after
``mode:`` is refused (BAD_USER_INPUT on ``details``), as a typo there is not
meant as free text.
"""

import re
from datetime import datetime

from app.calls.enums import EventType
from app.calls.events import Transaction, snapshot
from app.calls.instruction_enums import ParticipantMode
from app.calls.instruction_models import CallParticipant
from app.calls.models import LiveCall
from app.core.errors import InvalidInput

_MODE = re.compile(r"\s*(?P<prefix>mode\s*:)?\s*(?P<word>[A-Za-z]+)?", re.IGNORECASE)


def parse_mode(details: str | None) -> ParticipantMode:
    """The mode a JOIN_CALL's details name (LISTEN when they name none)."""
    found = _MODE.match(details or "")
    assert found is not None  # every part is optional
    word = (found["word"] or "").upper()
    if word in ParticipantMode.__members__:
        return ParticipantMode(word)
    if found["prefix"]:
        names = ", ".join(ParticipantMode.__members__)
        raise InvalidInput("details", f"names no join mode after 'mode:'; one of {names}")
    return ParticipantMode.LISTEN


async def join(
    tx: Transaction,
    call: LiveCall,
    *,
    supervisor_id: str,
    supervisor_name: str,
    mode: ParticipantMode,
    now: datetime,
) -> CallParticipant | None:
    """Open a participation; ``None`` if the supervisor is already on the call in this mode.

    Joining again in another mode closes the old participation and opens a new one.
    """
    present = await tx.store.one(
        CallParticipant, live_call_id=call.id, supervisor_id=supervisor_id, left_at=None
    )
    if present is not None:
        if present.mode == mode.value:
            return None
        _leave(tx, call, present, now)
    assert call.id is not None
    row = CallParticipant(
        live_call_id=call.id,
        supervisor_id=supervisor_id,
        supervisor_name=supervisor_name,
        mode=mode.value,
        joined_at=now,
    )
    await tx.store.insert(row)
    tx.record(call, EventType.PARTICIPANT_JOINED, {"participant": snapshot(row)})
    return row


async def leave_all(tx: Transaction, call: LiveCall, now: datetime) -> None:
    """Everyone still on the call leaves it (the call ended)."""
    for row in await tx.store.all(CallParticipant, live_call_id=call.id, left_at=None):
        _leave(tx, call, row, now)


def _leave(tx: Transaction, call: LiveCall, row: CallParticipant, now: datetime) -> None:
    row.left_at = now
    tx.record(call, EventType.PARTICIPANT_LEFT, {"participant": snapshot(row)})
