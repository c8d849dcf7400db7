"""Scope lives in the services: each read and write, called directly with another campaign's scope.

No GraphQL here: whatever a resolver does or forgets, the service itself finds
nothing of a campaign outside the caller's scope. Runs on SQLite (the group
commit's append) and, in the scaled leg, on PostgreSQL (the ORM append).
"""

import asyncio
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

import pytest

from app.analytics import reads as analytics_reads
from app.calls import lifecycle, objectives, performance, phases, reads, streams, supervision, transcripts
from app.calls.enums import (
    CallStatus,
    ObjectiveStatus,
    PipelineService,
    RecommendationType,
    ServiceStatus,
    Speaker,
    SupervisorActionType,
)
from app.calls.events import Transaction
from app.calls.new_transcript_entry import NewTranscriptEntry
from app.calls.performance import MetricsUpdate
from app.calls.writes import WritePath
from app.campaigns import service as campaigns
from app.core.db import Database
from app.core.errors import Forbidden, NotFound
from app.core.pubsub import PubSub
from app.core.scope import EVERY_CAMPAIGN, Scope
from app.graphql.schema import schema
from app.rules import alerts
from app.rules import reads as alert_reads
from app.rules import service as rules
from app.rules.conditions import PhrasesSaid
from app.rules.drafts import RuleDraft, RulePatch
from app.rules.enums import Severity
from app.webhooks import reads as webhook_reads
from tests.factories import Api, call_args
from tests.live import eventually
from tests.post_call import CREATE_CAMPAIGN

CAMP_A = Scope.of(["camp-a"])
Write = Callable[[Transaction], Coroutine[Any, Any, Any]]

WRITES: dict[str, Write] = {
    "updateCallStatus": lambda tx: lifecycle.update_call_status(tx, call_id="b", status=CallStatus.CONNECTED),
    "updatePerformanceMetrics": lambda tx: performance.update_performance_metrics(
        tx, call_id="b", metrics=MetricsUpdate(script_adherence=1)
    ),
    "updateCallProgress": lambda tx: lifecycle.update_call_progress(tx, call_id="b", duration=5),
    "addSupervisorAction": lambda tx: supervision.add_supervisor_action(
        tx, call_id="b", supervisor_id="s", supervisor_name="S", action=SupervisorActionType.ADD_NOTE
    ),
    "addCoachingRecommendation": lambda tx: supervision.add_coaching_recommendation(
        tx, call_id="b", type=RecommendationType.WARNING, title="t", description="d", priority=5
    ),
    "updateCallPhase": lambda tx: phases.update_call_phase(tx, call_id="b", phase="Discovery", quality=None),
    "toggleRecording": lambda tx: lifecycle.toggle_recording(tx, call_id="b", is_recording=True),
    "updateSystemStatus": lambda tx: lifecycle.update_system_status(
        tx, call_id="b", service=PipelineService.STT, status=ServiceStatus.ERROR
    ),
    "endLiveCall": lambda tx: lifecycle.end_live_call(tx, call_id="b"),
    "updateCallObjective": lambda tx: objectives.update_call_objective(
        tx, call_id="b", status=ObjectiveStatus.IN_PROGRESS, order=0
    ),
    "addTranscriptEntry": lambda tx: transcripts.add_transcript_entry(
        tx,
        request=NewTranscriptEntry(
            call_id="b", timestamp="0", speaker=Speaker.AGENT, text="intrusion", is_final=True
        ),
    ),
}
CAMPAIGN_WRITES = {"startLiveCall", "createCampaign"}
RULE_WRITES = {"createRule", "updateRule", "deleteRule", "acknowledgeAlert", "resolveAlert"}
"""Checked below, each on a rule and an alert of camp-b."""


@pytest.fixture
def two_campaigns(api: Api) -> None:
    for campaign in ("camp-a", "camp-b"):
        api.data(CREATE_CAMPAIGN, campaignId=campaign, name=campaign, objectives=["o"], costPerMinute=0.1)
        api.start_call(campaign[-1], campaignId=campaign)
        api.add_line(campaign[-1], text=f"line of {campaign}")
    api.start_call("ended-b", campaignId="camp-b")
    api.data('mutation { endLiveCall(callId: "ended-b") { status } }')


def test_every_mutation_is_checked_here() -> None:
    mutations = set(schema._schema.mutation_type.fields)  # type: ignore[union-attr]

    assert mutations == {*WRITES, *CAMPAIGN_WRITES, *RULE_WRITES}


@pytest.fixture
async def rule_and_alert_of_b(two_campaigns: None, api: Api, db: Database) -> tuple[str, str]:
    draft = RuleDraft(
        name="b rule", severity=Severity.WARNING, condition=PhrasesSaid(("alarm",)), campaign_id="camp-b"
    )
    async with db.write() as session:
        rule = await rules.create_rule(session, scope=EVERY_CAMPAIGN, actor=None, draft=draft)
    api.add_line("b", text="alarm")
    async with db.read() as session:
        (alert,) = await alert_reads.list_alerts(session, scope=EVERY_CAMPAIGN)
    return str(rule.id), str(alert.id)


async def test_managing_another_campaigns_rule_is_not_found_or_forbidden(
    rule_and_alert_of_b: tuple[str, str], db: Database
) -> None:
    rule_id, _ = rule_and_alert_of_b
    draft = RuleDraft(name="x", severity=Severity.INFO, condition=PhrasesSaid(("x",)), campaign_id="camp-b")
    with pytest.raises(Forbidden):
        async with db.write() as session:
            await rules.create_rule(session, scope=CAMP_A, actor=None, draft=draft)
    for change in (
        partial(rules.update_rule, rule_id=rule_id, patch=RulePatch(enabled=False)),
        partial(rules.delete_rule, rule_id=rule_id),
    ):
        with pytest.raises(NotFound):
            async with db.write() as session:
                await change(session, scope=CAMP_A)

    async with db.read() as session:
        assert [rule.enabled for rule in await rules.list_rules(session, scope=EVERY_CAMPAIGN)] == [True]
        assert await rules.list_rules(session, scope=CAMP_A) == []


@pytest.mark.parametrize("change", [alerts.acknowledge_alert, alerts.resolve_alert])
async def test_acting_on_another_campaigns_alert_is_not_found(
    rule_and_alert_of_b: tuple[str, str], db: Database, writes: WritePath, change: Callable[..., Any]
) -> None:
    _, alert_id = rule_and_alert_of_b

    with pytest.raises(NotFound):
        await writes.run(CAMP_A, partial(change, alert_id=alert_id))

    async with db.read() as session:
        assert [a.status for a in await alert_reads.list_alerts(session, scope=EVERY_CAMPAIGN)] == ["OPEN"]
        assert await alert_reads.list_alerts(session, scope=CAMP_A) == []


@pytest.mark.parametrize("name", sorted(WRITES))
async def test_a_write_to_another_campaigns_call_is_not_found_and_writes_nothing(
    two_campaigns: None, api: Api, writes: WritePath, name: str
) -> None:
    before = api.live_call("b")

    with pytest.raises(NotFound):
        await writes.run(CAMP_A, WRITES[name])

    assert api.live_call("b") == before


async def test_starting_a_call_in_another_campaign_is_forbidden(
    two_campaigns: None, api: Api, writes: WritePath
) -> None:
    with pytest.raises(Forbidden):
        await writes.run(CAMP_A, lambda tx: _start(tx, "x", "camp-b"))

    assert api.data('{ liveCall(callId: "x") { callId } }') == {"liveCall": None}


async def test_creating_a_campaign_outside_the_scope_is_forbidden(two_campaigns: None, db: Database) -> None:
    with pytest.raises(Forbidden):
        async with db.write() as session:
            await campaigns.create_campaign(
                session, scope=CAMP_A, name="n", objectives=[], cost_per_minute=0, campaign_id="camp-c"
            )

    async with db.read() as session:
        assert await campaigns.get_campaign(session, "camp-c", scope=EVERY_CAMPAIGN) is None


async def test_reads_of_another_campaign_find_nothing(two_campaigns: None, db: Database) -> None:
    async with db.read() as session:
        assert await reads.get_call(session, "b", scope=CAMP_A) is None
        assert [c.call_id for c in await reads.list_calls(session, scope=CAMP_A, first=50)] == ["a"]
        assert await campaigns.get_campaign(session, "camp-b", scope=CAMP_A) is None
        assert [c.id for c in await campaigns.list_campaigns(session, scope=CAMP_A)] == ["camp-a"]
        assert await analytics_reads.get_analytics(session, "ended-b", scope=CAMP_A) is None
        assert await analytics_reads.transcript(session, "b", scope=CAMP_A) is None
        assert await webhook_reads.list_deliveries(session, scope=CAMP_A, first=50) == []


async def test_reads_of_the_callers_own_campaign_find_it(two_campaigns: None, db: Database) -> None:
    async with db.read() as session:
        assert await reads.get_call(session, "a", scope=CAMP_A) is not None
        assert await campaigns.get_campaign(session, "camp-a", scope=CAMP_A) is not None
        assert await analytics_reads.get_analytics(session, "ended-b", scope=Scope.of(["camp-b"])) is not None


async def test_a_list_filtered_by_another_campaign_is_forbidden(two_campaigns: None, db: Database) -> None:
    async with db.read() as session:
        with pytest.raises(Forbidden):
            await reads.list_calls(session, scope=CAMP_A, campaign_id="camp-b", first=50)


async def test_another_campaigns_report_is_not_found(two_campaigns: None, db: Database) -> None:
    async with db.read() as session:
        with pytest.raises(NotFound):
            await analytics_reads.campaign_report(session, scope=CAMP_A, campaign_id="camp-b")


@pytest.mark.parametrize("follow", ["events", "state"])
async def test_following_another_campaigns_call_is_not_found(
    two_campaigns: None, db: Database, pubsub: PubSub, follow: str
) -> None:
    stream = (
        streams.follow_call(db, pubsub, "b", scope=CAMP_A, after_sequence=0)
        if follow == "events"
        else streams.watch_call(db, pubsub, "b", scope=CAMP_A)
    )

    with pytest.raises(NotFound):
        await anext(aiter(stream))


async def test_the_board_of_a_scoped_caller_skips_other_campaigns(writes: WritePath, pubsub: PubSub) -> None:
    board = aiter(streams.follow_board(pubsub, scope=CAMP_A))
    first = asyncio.ensure_future(anext(board))
    await eventually(lambda: pubsub.subscriber_count > 0)
    for call_id, campaign in (("b2", "camp-b"), ("a2", "camp-a")):
        await writes.run(EVERY_CAMPAIGN, partial(_start, call_id=call_id, campaign_id=campaign))

    event = await asyncio.wait_for(first, 5)

    assert event.call_id == "a2"


async def _start(tx: Transaction, call_id: str, campaign_id: str) -> None:
    args = call_args(call_id)
    await lifecycle.start_live_call(
        tx,
        call_id=call_id,
        agent_name=args["agentName"],
        customer_name=args["customerName"],
        customer_phone=args["customerPhone"],
        campaign_name=args["campaignName"],
        session_id=args["sessionId"],
        campaign_id=campaign_id,
    )
