"""What an instruction to the call's agent is, where it came from, and how far it got."""

from enum import StrEnum


class InstructionKind(StrEnum):
    COACH = "COACH"
    """Say or do something differently: the text says what."""
    TRANSFER = "TRANSFER"
    """Hand the call over: ``target`` says to whom, when the supervisor said."""
    END_CALL = "END_CALL"
    """Close the call politely and hang up."""
    SUPERVISOR_JOINED = "SUPERVISOR_JOINED"
    """A supervisor is on the line: ``target`` is the mode (LISTEN, WHISPER, BARGE)."""


class InstructionSource(StrEnum):
    SUPERVISOR = "SUPERVISOR"
    """A supervisor's sendAgentInstruction or addCoachingRecommendation."""
    RULE = "RULE"
    """A rule's coaching template."""
    ACTION = "ACTION"
    """A supervisor action (COACH_AGENT, TRANSFER_CALL, END_CALL, JOIN_CALL)."""


class InstructionStatus(StrEnum):
    """PENDING → DELIVERED (a pipeline subscriber got it) → APPLIED, REJECTED or FAILED.

    A pipeline may acknowledge a PENDING one it learned of otherwise (a replay)."""

    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    APPLIED = "APPLIED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"


OPEN_STATUSES = (InstructionStatus.PENDING, InstructionStatus.DELIVERED)
"""Not acknowledged yet: these become overdue."""


class InstructionOutcome(StrEnum):
    """The pipeline's receipt (acknowledgeInstruction)."""

    APPLIED = "APPLIED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"


class ParticipantMode(StrEnum):
    LISTEN = "LISTEN"
    """Hears the call; neither side hears the supervisor."""
    WHISPER = "WHISPER"
    """Speaks to the agent only."""
    BARGE = "BARGE"
    """Speaks to both."""
