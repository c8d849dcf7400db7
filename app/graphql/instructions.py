"""Root fields of agent supervision: instruct the agent, its stream, its receipts."""

from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.calls import instructions, ranges
from app.calls.instruction_enums import InstructionOutcome
from app.calls.instruction_stream import follow_instructions
from app.graphql.context import Context
from app.graphql.instruction_types import AgentInstruction

Ctx = Info[Context, None]


@strawberry.type
class InstructionMutation:
    @strawberry.mutation(
        description=(
            "Coach the call's agent in your words: a COACH instruction (source SUPERVISOR), PENDING "
            "until a pipeline subscriber of agentInstructions is handed it."
        )
    )
    async def send_agent_instruction(
        self,
        info: Ctx,
        call_id: str,
        text: Annotated[str, strawberry.argument(description="What the agent should do or say.")],
        priority: Annotated[
            int, strawberry.argument(description=f"{ranges.PRIORITY.text()}, from low to urgent.")
        ] = instructions.DEFAULT_PRIORITY,
    ) -> AgentInstruction:
        row = await info.context.write(
            partial(instructions.send_agent_instruction, call_id=call_id, text=text, priority=priority)
        )
        return AgentInstruction.from_row(row)

    @strawberry.mutation(
        description=(
            "The pipeline's receipt for an instruction. The same outcome again is a no-op returning it; "
            "another outcome after one was given is a CONFLICT."
        )
    )
    async def acknowledge_instruction(
        self,
        info: Ctx,
        instruction_id: strawberry.ID,
        outcome: InstructionOutcome,
        detail: Annotated[
            str | None, strawberry.argument(description="Why, in a few words (a rejection's reason).")
        ] = None,
    ) -> AgentInstruction:
        row = await info.context.write(
            partial(
                instructions.acknowledge_instruction,
                instruction_id=str(instruction_id),
                outcome=outcome,
                detail=detail,
            )
        )
        return AgentInstruction.from_row(row)


@strawberry.type
class InstructionSubscription:
    @strawberry.subscription(
        description=(
            "What the call's agent must act on, for the voice pipeline: each instruction once, in order, "
            "marked DELIVERED as it is handed over. Resume with `afterSequence` (the last instruction's "
            "`sequence`): nothing missed, nothing twice. Completes when the call ends."
        )
    )
    async def agent_instructions(
        self,
        info: Ctx,
        call_id: str,
        after_sequence: Annotated[
            int | None,
            strawberry.argument(
                description="The `sequence` of the last instruction the pipeline holds (0 for all)."
            ),
        ] = None,
    ) -> AsyncGenerator[AgentInstruction, None]:
        services = info.context.services
        async for event in follow_instructions(
            services.db, services.pubsub, call_id, scope=info.context.scope, after_sequence=after_sequence
        ):
            row = await info.context.write(
                partial(instructions.mark_delivered, instruction_id=event.payload["instruction"]["id"])
            )
            yield AgentInstruction.from_row(row)
