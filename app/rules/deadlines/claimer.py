"""The background task that fires the rules' clocks when they come due, with no write at all.

Each poll is one indexed query for rows whose ``due_at`` has passed. Each such row is fired
in its own write transaction, through the one write path: lock the call's row, read the
deadline row again, and only if it is still armed and due, disarm it and raise the rule's
alert once its condition is checked to still hold. Two workers polling the same row queue
on the call's lock and the second finds it disarmed; a worker that dies before its commit
leaves the row armed for the next poll; a server down when a row came due fires it on its
first poll back. So each clock fires exactly once. The same poll raises the alerts of
instructions not acknowledged in time (``overdue``), the same way.
"""

import asyncio
import logging
from functools import partial

from sqlmodel import col, select

from app.calls.events import Transaction
from app.calls.locks import lock_call
from app.calls.writes import WritePath
from app.core.db import ConnectionLost, Database
from app.core.errors import NotFound
from app.core.scope import EVERY_CAMPAIGN
from app.core.sqltypes import utcnow
from app.rules.deadlines.clock import armed_for, stop
from app.rules.deadlines.due import DueCheck
from app.rules.deadlines.models import RuleDeadline
from app.rules.deadlines.overdue import OverdueInstructions
from app.rules.enums import ConditionKind
from app.rules.fire import raise_alert
from app.rules.handlers import phrases_not_said, sentiment_held, time_in_state
from app.rules.models import Alert
from app.rules.ruleset import RuleCache

log = logging.getLogger(__name__)

ACTOR = "rules"
"""Who the firing transaction writes as."""

BATCH = 100

DUE: dict[ConditionKind, DueCheck] = {
    ConditionKind.PHRASES_NOT_SAID: phrases_not_said.due,
    ConditionKind.TIME_IN_STATE: time_in_state.due,
    ConditionKind.SENTIMENT: sentiment_held.due,
}


class DeadlineClaimer:
    def __init__(self, db: Database, writes: WritePath, *, poll: float, ack_timeout: float) -> None:
        self.db = db
        self.writes = writes
        self.poll = poll
        self.rules = RuleCache()
        self.overdue = OverdueInstructions(db, writes, timeout=ack_timeout)

    async def run(self) -> None:
        """Fire due clocks and overdue instructions' alerts until cancelled; a failure is logged
        and retried at the next poll."""
        while True:
            for fire in (self.fire_due, self.overdue.fire_due):
                try:
                    await fire()
                except Exception:
                    log.exception("firing what came due failed")
            await asyncio.sleep(self.poll)

    async def fire_due(self) -> int:
        """Fire every clock due now; how many raised an alert."""
        raised = 0
        for deadline_id, call_id in await self.due():
            try:
                alert = await self.writes.run(
                    EVERY_CAMPAIGN,
                    partial(fire_deadline, deadline_id=deadline_id, call_id=call_id, rules=self.rules),
                    actor=ACTOR,
                )
            except NotFound:
                continue  # the call went (retention) between the poll and the lock; its rows with it
            except ConnectionLost:
                raise  # the database is away: the next poll tries again
            except Exception:
                # One clock that cannot fire must not hold up the ones due after it.
                log.exception("firing rule deadline %d on call %r failed", deadline_id, call_id)
                continue
            raised += alert is not None
        return raised

    async def due(self) -> list[tuple[int, str]]:
        async with self.db.read() as session:
            query = (
                select(RuleDeadline.id, RuleDeadline.call_id)
                .where(col(RuleDeadline.due_at) <= utcnow())
                .order_by(col(RuleDeadline.due_at))
                .limit(BATCH)
            )
            rows = (await session.exec(query)).all()
        return [(deadline_id, call_id) for deadline_id, call_id in rows if deadline_id is not None]


async def fire_deadline(tx: Transaction, *, deadline_id: int, call_id: str, rules: RuleCache) -> Alert | None:
    """One due clock, under its call's lock: disarmed, and its rule's alert raised if the
    condition still holds. A clock another worker fired, or a change stopped, since the poll
    read it is left alone; one of a rule disabled, deleted, moved to another campaign or given
    another condition since is stopped."""
    call = await lock_call(tx, call_id)
    row = await tx.store.one(RuleDeadline, id=deadline_id)
    if row is None or row.due_at is None or row.due_at > utcnow():
        return None
    row.due_at = None
    rule = (await rules.current(tx.store)).rules.get(row.rule_id)
    check = DUE.get(rule.kind) if rule is not None else None
    if rule is None or check is None or not rule.applies_to(call) or not armed_for(row, rule):
        stop(row)
        return None
    firing = await check(tx, call, rule, row)
    if firing is None:
        return None
    return await raise_alert(tx, call, rule, reason=firing.reason, matched=firing.matched)
