import pytest
from sqlmodel import col, select

from app.calls import lifecycle
from app.calls.enums import CallStatus
from app.calls.models import CallPhase, LiveCall
from app.calls.writes import WritePath
from app.core.db import Database
from app.core.scope import EVERY_CAMPAIGN
from app.core.sqltypes import utcnow
from tests.factories import Api, when

UPDATE_STATUS = """
mutation Status($callId: String!, $status: CallStatus!) {
  updateCallStatus(callId: $callId, status: $status) { callId status updatedAt lastSequence }
}
"""


@pytest.mark.parametrize(
    "path",
    [
        ["RINGING"],
        ["CONNECTED"],
        ["RINGING", "CONNECTED"],
        ["CONNECTED", "ON_HOLD"],
        ["CONNECTED", "TRANSFERRING"],
    ],
    ids="-".join,
)
def test_update_call_status_sets_the_status(api: Api, path: list[str]) -> None:
    api.start_call("call-1")

    for status in path:
        returned = api.data(UPDATE_STATUS, callId="call-1", status=status)["updateCallStatus"]

    assert returned["status"] == path[-1]
    assert api.live_call("call-1")["status"] == path[-1]


def test_update_call_status_moves_updated_at(api: Api) -> None:
    started = api.start_call("call-1")

    returned = api.data(UPDATE_STATUS, callId="call-1", status="RINGING")["updateCallStatus"]

    assert when(returned["updatedAt"]) > when(started["updatedAt"])
    assert api.live_call("call-1")["updatedAt"] == returned["updatedAt"]


def test_connected_leaves_the_already_active_opening_phase_and_its_start_time_unchanged(api: Api) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")["phases"]

    api.data(UPDATE_STATUS, callId="call-1", status="CONNECTED")

    after = api.live_call("call-1")["phases"]
    assert after == before
    assert (after[0]["phase"], after[0]["status"]) == ("Opening", "ACTIVE")
    assert after[0]["startTime"] is not None


def test_update_call_status_rejects_ended_with_bad_user_input_and_writes_nothing(api: Api) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(UPDATE_STATUS, callId="call-1", status="ENDED")

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "status"
    assert "endLiveCall" in error["message"]
    assert api.live_call("call-1") == before


async def _start_with_pending_first_phase(
    db: Database, writes: WritePath, status: str = "connecting"
) -> None:
    """A call whose Opening phase is still pending: a state the API itself never produces."""
    await writes.run(
        EVERY_CAMPAIGN,
        lambda tx: lifecycle.start_live_call(
            tx,
            call_id="call-1",
            agent_name="Ada Agent",
            customer_name="Carl Customer",
            customer_phone="+1 555 0100",
            campaign_name="Q4 Outbound",
            session_id="session-call-1",
        ),
    )
    async with db.write() as session:
        opening = (await session.exec(select(CallPhase).where(CallPhase.order == 0))).one()
        opening.status = "pending"
        opening.start_time = None
        session.add(opening)
        call = (await session.exec(select(LiveCall))).one()
        call.status = status
        session.add(call)


async def _phases(db: Database) -> list[CallPhase]:
    async with db.read() as session:
        return list((await session.exec(select(CallPhase).order_by(col(CallPhase.order)))).all())


async def test_connected_activates_a_pending_first_phase_with_a_start_time(
    db: Database, writes: WritePath
) -> None:
    await _start_with_pending_first_phase(db, writes)
    before = utcnow()

    await writes.run(
        EVERY_CAMPAIGN,
        lambda tx: lifecycle.update_call_status(tx, call_id="call-1", status=CallStatus.CONNECTED),
    )

    phases = await _phases(db)
    assert (phases[0].phase, phases[0].status) == ("Opening", "active")
    assert phases[0].start_time is not None
    assert before <= phases[0].start_time <= utcnow()
    assert [(p.status, p.start_time) for p in phases[1:]] == [("pending", None)] * 4


@pytest.mark.parametrize(
    ("current", "status"),
    [
        ("connecting", CallStatus.RINGING),
        ("connected", CallStatus.ON_HOLD),
        ("connected", CallStatus.TRANSFERRING),
    ],
)
async def test_statuses_other_than_connected_leave_a_pending_first_phase_pending(
    db: Database, writes: WritePath, current: str, status: CallStatus
) -> None:
    await _start_with_pending_first_phase(db, writes, status=current)

    await writes.run(
        EVERY_CAMPAIGN, lambda tx: lifecycle.update_call_status(tx, call_id="call-1", status=status)
    )

    phases = await _phases(db)
    assert (phases[0].status, phases[0].start_time) == ("pending", None)
