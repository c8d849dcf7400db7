"""The call's status state machine, and what an ended call still accepts.

The spec lets any status follow any other. A monitor cannot make sense of a
call that goes from ON_HOLD back to RINGING, or that talks after it ended, so
transitions follow the pipeline's real flow:

    CONNECTING ─► RINGING ─► CONNECTED ◄─► ON_HOLD
        │            │          │  ▲          │
        │            │          ▼  │          │
        │            │       TRANSFERRING ◄───┘
        └────────────┴──────────┴──► ENDED (endLiveCall or END_CALL, from any status)

TRANSFERRING may also go back to RINGING (the transfer target is ringing).
Setting the status a call already has is a no-op, so retries are harmless.
After ENDED only late final transcript lines are accepted.
"""

from app.calls.enums import CallStatus
from app.calls.models import LiveCall
from app.core.errors import Conflict

TRANSITIONS: dict[CallStatus, frozenset[CallStatus]] = {
    CallStatus.CONNECTING: frozenset({CallStatus.RINGING, CallStatus.CONNECTED}),
    CallStatus.RINGING: frozenset({CallStatus.CONNECTED}),
    CallStatus.CONNECTED: frozenset({CallStatus.ON_HOLD, CallStatus.TRANSFERRING}),
    CallStatus.ON_HOLD: frozenset({CallStatus.CONNECTED, CallStatus.TRANSFERRING}),
    CallStatus.TRANSFERRING: frozenset({CallStatus.CONNECTED, CallStatus.RINGING, CallStatus.ON_HOLD}),
    CallStatus.ENDED: frozenset(),
}


def is_ended(call: LiveCall) -> bool:
    return call.status == CallStatus.ENDED.value


def ensure_open(call: LiveCall, operation: str) -> None:
    """Reject a change to an ended call."""
    if is_ended(call):
        raise Conflict(
            f"call {call.call_id!r} has ended; {operation} is no longer accepted",
            callId=call.call_id,
            status="ENDED",
        )


def check_transition(call: LiveCall, target: CallStatus) -> None:
    """Reject a status change the state machine does not allow."""
    ensure_open(call, f"a change to {target.name}")
    current = CallStatus(call.status)
    if target is not current and target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(status.name for status in TRANSITIONS[current])) or "none"
        raise Conflict(
            f"a call in {current.name} cannot become {target.name}; allowed: {allowed}",
            field="status",
            status=current.name,
        )
