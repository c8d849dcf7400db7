"""The read side of instructions and participants, for many calls in one statement each."""

from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.calls.instruction_models import AgentInstruction, CallParticipant

Row = TypeVar("Row", AgentInstruction, CallParticipant)


async def by_call(session: AsyncSession, model: type[Row], call_ids: Sequence[int]) -> dict[int, list[Row]]:
    """Each call's instructions (or participations), oldest first."""
    query = (
        select(model)
        .where(col(model.live_call_id).in_(call_ids))
        .order_by(col(model.live_call_id), col(model.id))
    )
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in (await session.exec(query)).all():
        grouped[row.live_call_id].append(row)
    return grouped
