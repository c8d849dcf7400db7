"""Retention over any stored period: one campaign's period never stops the run for the others.

createCampaign refuses periods outside (0, 36,500] days, but a row written before
that check (or by hand) may hold anything the column can: such a period is
ignored, its calls are kept, and every other campaign's calls are purged as usual.
"""

import asyncio
import os
import sys
from datetime import timedelta

import pytest

from app.campaigns.models import Campaign
from app.core.config import Settings
from app.core.db import Database
from app.core.sqltypes import utcnow
from app.retention import purge
from tests.factories import Api
from tests.post_call import create_campaign, end_call, scripted_call


async def store_campaign(db: Database, campaign_id: str, retention_days: float) -> None:
    """A campaign row as an older server (or a hand edit) left it: no input check on the way."""
    async with db.write() as session:
        session.add(
            Campaign(
                id=campaign_id,
                name="Stored before the range check",
                objectives=["Say hello"],
                cost_per_minute=0.05,
                retention_days=retention_days,
                created_at=utcnow(),
            )
        )


async def two_ended_calls(api: Api, db: Database, *, stored_days: float, short_days: float) -> None:
    """call-short in a campaign kept ``short_days``; call-odd in one stored with ``stored_days``."""
    create_campaign(api, "short", retentionDays=short_days)
    scripted_call(api, "call-short", "short")
    await store_campaign(db, "odd", stored_days)
    api.start_call("call-odd", campaignId="odd")
    end_call(api, "call-odd")


async def test_the_retention_command_still_purges_other_campaigns_beside_a_million_day_period(
    api: Api, db: Database, settings: Settings
) -> None:
    await two_ended_calls(api, db, stored_days=1_000_000, short_days=1e-9)

    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        "retention",
        env={**os.environ, "DATABASE_URL": settings.database_url, "LOG_FORMAT": "text"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(command.communicate(), timeout=60)

    assert command.returncode == 0, err.decode()
    assert out.decode().startswith("removed the live records of 1 ended call(s)")
    assert api.live_call("call-short") is None
    assert api.live_call("call-odd") is not None


@pytest.mark.parametrize(
    "stored_days",
    [
        pytest.param(1_000_000, id="a million days: before year 1"),
        pytest.param(1e9, id="beyond timedelta"),
        pytest.param(1e300, id="1e300"),
        pytest.param(float("inf"), id="infinite"),
        pytest.param(36_500.5, id="just above 100 years"),
        pytest.param(0.0, id="zero"),
        pytest.param(-1.0, id="negative"),
    ],
)
async def test_a_stored_period_outside_the_range_keeps_its_calls_and_the_others_are_purged(
    api: Api, db: Database, stored_days: float
) -> None:
    await two_ended_calls(api, db, stored_days=stored_days, short_days=1.0)

    report = await purge(db, default_days=30, now=utcnow() + timedelta(days=2))

    assert report.calls == 1
    assert api.live_call("call-short") is None
    assert api.live_call("call-odd") is not None


async def test_a_default_period_too_long_for_the_calendar_keeps_those_calls_and_purges_the_rest(
    api: Api, db: Database
) -> None:
    create_campaign(api, "short", retentionDays=1.0)
    scripted_call(api, "call-short", "short")
    api.start_call("call-default")
    end_call(api, "call-default")

    report = await purge(db, default_days=1e12, now=utcnow() + timedelta(days=2))

    assert report.calls == 1
    assert api.live_call("call-short") is None
    assert api.live_call("call-default") is not None


async def test_a_period_of_100_years_is_honoured(api: Api, db: Database) -> None:
    create_campaign(api, "century", retentionDays=36_500.0)
    scripted_call(api, "call-1", "century")

    kept = await purge(db, default_days=30, now=utcnow() + timedelta(days=36_499))
    removed = await purge(db, default_days=30, now=utcnow() + timedelta(days=36_501))

    assert (kept.calls, removed.calls) == (0, 1)
