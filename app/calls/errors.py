"""The calls' own error: a call that is not there, or not the caller's to see."""

from app.core.errors import NotFound


def call_not_found(call_id: str) -> NotFound:
    return NotFound(f"Live call {call_id!r} not found", callId=call_id)
