"""updateCallObjective: move a call's objective through its lifecycle."""

from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.calls import ranges
from app.calls.objectives import update_call_objective
from app.graphql.context import Context
from app.graphql.enums import ObjectiveStatus
from app.graphql.types import CallObjective


@strawberry.type
class ObjectiveMutation:
    @strawberry.mutation(
        description=(
            "Move one objective, named by `order` or by its text: PENDING → IN_PROGRESS → "
            "COMPLETED or MISSED (PENDING → MISSED too), stamping startedAt / endedAt. Other moves "
            "and objectives of an ended call are CONFLICT; repeating the current status changes "
            "nothing. Records an OBJECTIVE_UPDATED event."
        )
    )
    async def update_call_objective(
        self,
        info: Info[Context, None],
        call_id: str,
        status: ObjectiveStatus,
        order: Annotated[
            int | None,
            strawberry.argument(description=f"The objective's order, {ranges.OBJECTIVE_ORDER.text()}."),
        ] = None,
        objective: Annotated[
            str | None, strawberry.argument(description="The objective's text, instead of `order`.")
        ] = None,
    ) -> CallObjective:
        row = await info.context.write(
            partial(update_call_objective, call_id=call_id, status=status, order=order, objective=objective)
        )
        return CallObjective.from_row(row)
