"""Query root: one call's monitor and the supervisors' board."""

from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.calls import reads
from app.calls.call_state import read_call_state
from app.calls.reads import CallOrder
from app.core.errors import InvalidInput
from app.graphql.call_records import shown_records
from app.graphql.context import Context
from app.graphql.enums import CallStatus
from app.graphql.types import LiveCall


@strawberry.type
class Query:
    @strawberry.field(
        description=(
            "One call with its nested records; null when there is no such call "
            "(or it belongs to a campaign the token is not scoped to)."
        )
    )
    async def live_call(self, info: Info[Context, None], call_id: str) -> LiveCall | None:
        records = shown_records(selection for field in info.selected_fields for selection in field.selections)
        read = partial(read_call_state, call_id=call_id, scope=info.context.scope, records=records)
        state = await info.context.services.db.read_rows(read)
        if state is None:
            return None
        info.context.loaders.prime(state)
        return LiveCall.from_row(state.call, loaders=info.context.loaders)

    @strawberry.field(description="Calls for the supervisors' board, newest first or by attention.")
    async def live_calls(
        self,
        info: Info[Context, None],
        status: Annotated[
            list[CallStatus] | None, strawberry.argument(description="Only calls in these statuses.")
        ] = None,
        campaign_id: Annotated[
            str | None, strawberry.argument(description="Only calls of this campaign.")
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(
                description="Page size: 1 to CALLS_PAGE_MAX (200 unless configured); default 50."
            ),
        ] = None,
        after: Annotated[
            str | None,
            strawberry.argument(description="callId of the last call of the previous page."),
        ] = None,
        order_by: CallOrder = CallOrder.NEWEST,
    ) -> list[LiveCall]:
        settings = info.context.settings
        count = settings.calls_page_default if first is None else first
        if not 1 <= count <= settings.calls_page_max:
            raise InvalidInput("first", f"must be between 1 and {settings.calls_page_max}")
        async with info.context.services.db.read() as session:
            rows = await reads.list_calls(
                session,
                statuses=[value.value for value in status] if status else None,
                scope=info.context.scope,
                campaign_id=campaign_id,
                first=count,
                after=after,
                order=order_by,
            )
        return [LiveCall.from_row(row, loaders=info.context.loaders) for row in rows]
