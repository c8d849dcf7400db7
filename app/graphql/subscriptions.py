"""Subscription root: a call's event stream, its live state, and the board."""

from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.calls import streams
from app.calls.events import Event
from app.graphql.call_records import shown_records
from app.graphql.context import Context
from app.graphql.events import BoardEvent, CallEvent, to_board_event, to_graphql
from app.graphql.fanout import FastPath
from app.graphql.sharing import shared
from app.graphql.types import LiveCall

Ctx = Info[Context, None]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "Every change to one call as typed events with contiguous `sequence` numbers. "
            "With `afterSequence` the missed events are replayed first, then the stream "
            "goes live: nothing missed, nothing twice, in order. Completes after CALL_ENDED."
        )
    )
    async def call_events(
        self,
        info: Ctx,
        call_id: str,
        after_sequence: Annotated[
            int | None,
            strawberry.argument(
                description="The last sequence the client holds: 0 (for all) to the call's lastSequence."
            ),
        ] = None,
    ) -> AsyncGenerator[CallEvent, None]:
        services = info.context.services
        context = info.context

        def event_of(event: Event) -> CallEvent:
            build = partial(to_graphql, event, context.fresh_loaders())
            return shared(("call", event.call_id, event.seq), build)

        handover = FastPath(services.relays, event_of, services.pubsub.buffer)
        async for event in streams.follow_call(
            services.db,
            services.pubsub,
            call_id,
            scope=info.context.scope,
            after_sequence=after_sequence,
            handover=handover,
        ):
            yield event_of(event)

    @strawberry.subscription(
        description="The whole call, on subscribe and after each change (bursts may be coalesced)."
    )
    async def live_call(self, info: Ctx, call_id: str) -> AsyncGenerator[LiveCall, None]:
        services = info.context.services
        records = shown_records(selection for field in info.selected_fields for selection in field.selections)
        async for state in streams.watch_call(
            services.db, services.pubsub, call_id, scope=info.context.scope, records=records
        ):
            loaders = info.context.fresh_loaders()
            loaders.prime(state)
            build = partial(LiveCall.from_row, state.call, loaders=loaders)
            yield shared(("state", state.call.call_id, state.call.last_sequence), build)

    @strawberry.subscription(
        description=(
            "The board's feed: calls started, changing status, ended, alerts raised, acknowledged, resolved "
            "(only the token's campaigns when it is scoped to some)."
        )
    )
    async def live_calls(self, info: Ctx) -> AsyncGenerator[BoardEvent, None]:
        async for event in streams.follow_board(info.context.services.pubsub, scope=info.context.scope):
            build = partial(to_board_event, event, info.context.fresh_loaders())
            yield shared(("board", event.call_id, event.seq), build)
