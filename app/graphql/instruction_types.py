"""GraphQL types of instructions to the call's agent and of the supervisors on the call."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from app.calls import instruction_models as models
from app.calls.instruction_enums import (
    InstructionKind,
    InstructionOutcome,
    InstructionSource,
    InstructionStatus,
    ParticipantMode,
)
from app.calls.instructions import due_at, is_overdue
from app.core.sqltypes import utcnow
from app.graphql.from_row import FromRow

strawberry.enum(InstructionKind, description="What the agent is told to do.")
strawberry.enum(InstructionSource, description="Who made an instruction.")
strawberry.enum(
    InstructionStatus,
    description="PENDING → DELIVERED (handed to a pipeline subscriber) → APPLIED, REJECTED or FAILED.",
)
strawberry.enum(InstructionOutcome, description="The pipeline's receipt for an instruction.")
strawberry.enum(
    ParticipantMode,
    description="LISTEN: hears the call; WHISPER: speaks to the agent only; BARGE: speaks to both.",
)


def _stored_id(row: models.AgentInstruction) -> strawberry.ID:
    assert row.id is not None
    return strawberry.ID(str(row.id))


@strawberry.type(
    description=(
        "An instruction to the call's agent (often an AI voice agent): what to do, and how far it got."
    )
)
class AgentInstruction:
    id: strawberry.ID = strawberry.field(description="What acknowledgeInstruction names.")
    call_id: str
    kind: InstructionKind
    text: str = strawberry.field(description="What to do, in words the agent can act on.")
    target: str | None = strawberry.field(
        description="TRANSFER: to whom (the action's details); SUPERVISOR_JOINED: the mode."
    )
    priority: int = strawberry.field(description="1 (low) to 10 (urgent).")
    source: InstructionSource
    created_by: str | None = strawberry.field(description="The supervisor (token subject) who sent it.")
    status: InstructionStatus
    detail: str | None = strawberry.field(description="What the pipeline said with its receipt.")
    created_at: datetime
    delivered_at: datetime | None = strawberry.field(
        description="When a pipeline subscriber of agentInstructions was first handed it."
    )
    acknowledged_at: datetime | None
    sequence: int = strawberry.field(
        description="The call's event sequence of its INSTRUCTION_SENT: resume agentInstructions after it."
    )

    from_row = FromRow[models.AgentInstruction](
        id=_stored_id,
        sequence=lambda row: row.created_seq,
    )

    @strawberry.field(description="When it becomes overdue: createdAt + INSTRUCTION_ACK_TIMEOUT seconds.")
    def due_at(self, info: Info) -> datetime:
        return due_at(self.created_at, info.context.settings.instruction_ack_timeout)

    @strawberry.field(
        description="Still PENDING or DELIVERED INSTRUCTION_ACK_TIMEOUT seconds after it was sent."
    )
    def overdue(self, info: Info) -> bool:
        return is_overdue(
            self.status, self.created_at, now=utcnow(), timeout=info.context.settings.instruction_ack_timeout
        )


@strawberry.type(description="A supervisor on the call (JOIN_CALL), until they leave or the call ends.")
class Participant:
    supervisor_id: str
    supervisor_name: str
    mode: ParticipantMode
    joined_at: datetime
    left_at: datetime | None

    from_row = FromRow[models.CallParticipant]()
