"""Retention: remove the live records of calls that ended longer ago than their retention period.

The period is the call's campaign's ``retention_days`` when it sets one, else
``Settings.retention_days``; it is read at purge time, so shortening a period
applies to calls that already ended. The call's call_analytics row stays (it is
written here first for a call that ended before analytics existed); the live_calls
row and every record hanging off it go, in batches of short write transactions.
A stored period outside ``ranges.RETENTION_DAYS`` keeps its calls, and the run
goes on for every other campaign (``_cutoff``).
"""

import asyncio
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_
from sqlmodel import SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.analytics.capture import capture
from app.analytics.models import CallAnalytics
from app.calls.enums import CallStatus
from app.calls.models import (
    CallEvent,
    CallObjective,
    CallPhase,
    CallSystemConfig,
    CoachingRecommendation,
    LiveCall,
    LivePerformanceMetrics,
    LiveTranscript,
    SentimentAnalysis,
    SupervisorAction,
)
from app.calls.ranges import RETENTION_DAYS
from app.campaigns.models import Campaign
from app.core.config import Settings
from app.core.db import Database
from app.core.sqltypes import utcnow
from app.core.store import OrmStore

log = logging.getLogger(__name__)

BATCH = 200

CallRecord = (
    type[CallEvent]
    | type[LiveTranscript]
    | type[SupervisorAction]
    | type[CoachingRecommendation]
    | type[CallPhase]
    | type[CallObjective]
    | type[LivePerformanceMetrics]
    | type[SentimentAnalysis]
    | type[CallSystemConfig]
)
RECORDS: tuple[CallRecord, ...] = (
    CallEvent,
    LiveTranscript,
    SupervisorAction,
    CoachingRecommendation,
    CallPhase,
    CallObjective,
    LivePerformanceMetrics,
    SentimentAnalysis,
    CallSystemConfig,
)
"""Deleted explicitly, so the report counts them; anything else cascades from live_calls."""


@dataclass
class RetentionReport:
    """What a run removed (or, dry, would remove): rows per table, ``live_calls`` being the calls."""

    dry_run: bool
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def calls(self) -> int:
        return self.removed.get(LiveCall.__tablename__, 0)

    def add(self, table: str, count: int) -> None:
        self.removed[table] = self.removed.get(table, 0) + count

    def summary(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        lines = [f"{verb} the live records of {self.calls} ended call(s); their call_analytics stay"]
        lines.extend(f"  {table:<26} {count:>8}" for table, count in self.removed.items())
        return "\n".join(lines)


def _table(model: type[SQLModel]) -> str:
    return str(model.__tablename__)


async def expired_calls(
    session: AsyncSession, *, now: datetime, default_days: float, limit: int | None = None
) -> list[int]:
    """Ids of ended calls past their period: one statement, one rule per distinct period."""
    periods = (
        await session.exec(
            select(Campaign.retention_days).where(col(Campaign.retention_days).is_not(None)).distinct()
        )
    ).all()
    rules = []
    default_cutoff = _cutoff(now, default_days)
    if default_cutoff is not None:
        rules.append(and_(col(Campaign.retention_days).is_(None), col(LiveCall.end_time) < default_cutoff))
    for days in periods:
        cutoff = _cutoff(now, days) if days is not None else None
        if cutoff is not None:
            rules.append(and_(col(Campaign.retention_days) == days, col(LiveCall.end_time) < cutoff))
    if not rules:
        return []
    query = (
        select(LiveCall.id)
        .outerjoin(Campaign, col(Campaign.id) == col(LiveCall.campaign_id))
        .where(LiveCall.status == CallStatus.ENDED.value, or_(*rules))
        .order_by(col(LiveCall.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return [call_id for call_id in (await session.exec(query)).all() if call_id is not None]


def _cutoff(now: datetime, days: float) -> datetime | None:
    """Calls that ended before this are past a period of ``days``; ``None`` outside RETENTION_DAYS.

    createCampaign refuses such periods, but a stored row may hold any float (a
    million days once made every run fail with OverflowError): its calls are kept,
    and the run goes on for every other campaign.
    """
    if not (math.isfinite(days) and RETENTION_DAYS.low < days <= RETENTION_DAYS.high):
        log.warning(
            "retention period of %r days is outside %s: its calls are kept", days, RETENTION_DAYS.text()
        )
        return None
    return now - timedelta(days=days)


async def purge(
    db: Database, *, default_days: float, now: datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Remove (or with ``dry_run`` only count) the live records of every expired call."""
    now = now or utcnow()
    report = RetentionReport(dry_run=dry_run)
    if dry_run:
        async with db.read() as session:
            ids = await expired_calls(session, now=now, default_days=default_days)
            for start in range(0, len(ids), BATCH):
                await _count(session, ids[start : start + BATCH], report)
        return report
    while True:
        async with db.write() as session:
            ids = await expired_calls(session, now=now, default_days=default_days, limit=BATCH)
            if not ids:
                return report
            await _keep_analytics(session, ids)
            for model in RECORDS:
                result = await session.exec(delete(model).where(col(model.live_call_id).in_(ids)))
                report.add(_table(model), result.rowcount)
            result = await session.exec(delete(LiveCall).where(col(LiveCall.id).in_(ids)))
            report.add(_table(LiveCall), result.rowcount)


async def _count(session: AsyncSession, ids: list[int], report: RetentionReport) -> None:
    for model in RECORDS:
        query = select(func.count()).select_from(model).where(col(model.live_call_id).in_(ids))
        report.add(_table(model), (await session.exec(query)).one())
    report.add(_table(LiveCall), len(ids))


async def _keep_analytics(session: AsyncSession, ids: list[int]) -> None:
    """Summarise calls that ended before call_analytics existed, before their records go."""
    query = select(LiveCall).where(
        col(LiveCall.id).in_(ids),
        col(LiveCall.call_id).not_in(select(CallAnalytics.call_id)),
    )
    for call in (await session.exec(query)).all():
        await capture(OrmStore(session), call)


async def run_once(settings: Settings, *, dry_run: bool = False) -> RetentionReport:
    """One run with its own engines (the ``python -m app retention`` command)."""
    db = Database(settings)
    try:
        return await purge(db, default_days=settings.retention_days, dry_run=dry_run)
    finally:
        await db.dispose()


async def run_periodically(db: Database, settings: Settings) -> None:
    """The optional background task: purge every ``retention_interval`` seconds until cancelled."""
    while True:
        await asyncio.sleep(settings.retention_interval)
        try:
            report = await purge(db, default_days=settings.retention_days)
        except Exception:
            log.exception("retention run failed")
            continue
        if report.calls:
            log.info("retention removed %s", report.removed)
