"""The simulator moves objectives as a call goes: its scripts complete some and miss some."""

import io

import pytest

from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, ScriptError, available, load, parse
from tests.live import Http, LiveServer

SCRIPTS = [load(path) for path in available().values()]
# The spec's five objectives, in order: decision makers, value proposition, objections, demo, rapport.
EXPECTED = {
    "demo-booking": ["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"],
    "price-objection": ["MISSED", "COMPLETED", "COMPLETED", "MISSED", "COMPLETED"],
    "quick-callback": ["PENDING", "PENDING", "PENDING", "MISSED", "COMPLETED"],
    "manager-request": ["PENDING", "PENDING", "COMPLETED", "PENDING", "MISSED"],
    "skipped-disclosure": ["COMPLETED", "PENDING", "PENDING", "MISSED", "COMPLETED"],
    "long-hold": ["PENDING", "PENDING", "PENDING", "PENDING", "COMPLETED"],
}
OBJECTIVES = """
query($callId: String!) {
  liveCall(callId: $callId) { objectives { status } }
  callAnalytics(callId: $callId) { objectivesCompleted objectivesMissed }
}
"""


async def test_played_calls_end_with_the_objectives_their_scripts_completed_and_missed(
    live_server: LiveServer, http: Http
) -> None:
    url, calls = live_server.http_url, len(SCRIPTS)
    played = await simulate(url=url, scripts=SCRIPTS, calls=calls, speed=0, prefix="obj", out=io.StringIO())

    ended: dict[str, list[str]] = {}
    for state in played:
        assert (state.status, state.error) == ("ENDED", None)
        data = await http.data(OBJECTIVES, callId=state.call_id)
        statuses = [objective["status"] for objective in data["liveCall"]["objectives"]]
        ended[state.script.name] = statuses
        assert data["callAnalytics"] == {
            "objectivesCompleted": statuses.count("COMPLETED"),
            "objectivesMissed": statuses.count("MISSED"),
        }
    assert ended == EXPECTED


def test_an_objective_step_without_where_it_goes_names_the_file_and_the_step() -> None:
    call = load(SCRIPTS_DIR / "quick-callback.json").call
    steps = [{"status": "CONNECTED"}, {"objective": 0, "to": "DONE"}, {"end": True}]

    with pytest.raises(ScriptError, match=r"vague step 2: an objective goes 'to' one of \['COMPLETED'"):
        parse("vague", {"call": call, "steps": steps})
