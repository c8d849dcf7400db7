"""Time-based conditions fire when their time passes with no write at all, and only then.

Each test's app polls its deadlines every 50 ms (``RULES_DEADLINE_POLL``); the rules give
the smallest duration the API takes, 1 s.
"""

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.factories import Api
from tests.rules.clocks import FAST_POLL, end, phase, quiet_for, rule, status, wait_for_alerts
from tests.rules.documents import UPDATE_RULE, alerts, create_rule

ON_HOLD = {"timeInState": {"state": "ON_HOLD", "seconds": 1}}
SILENCE = {"timeInState": {"state": "SILENCE", "seconds": 1}}
DISCLOSURE = {"phrasesNotSaid": {"phrases": ["this call may be recorded"], "withinSeconds": 1}}
PRICE_BEFORE_CLOSING = {"phrasesNotSaid": {"phrases": ["the price is"], "beforePhaseEnds": "Closing"}}
SOUR_FOR_A_SECOND = {"sentiment": {"negativeAtLeast": 10, "forSeconds": 1}}


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    with TestClient(create_app(settings.model_copy(update={"rules_deadline_poll": FAST_POLL}))) as client:
        yield Api(client)


def _connected_call(api: Api) -> None:
    api.start_call()
    status(api, "CONNECTED")


def test_on_hold_longer_than_its_seconds_raises_an_alert_with_no_write(api: Api) -> None:
    create_rule(api, rule(ON_HOLD, name="long hold"))
    _connected_call(api)
    status(api, "ON_HOLD")

    [alert] = wait_for_alerts(api)

    assert (alert["ruleName"], alert["reason"], alert["status"]) == (
        "long hold",
        "on hold for more than 1 s",
        "OPEN",
    )
    assert float(alert["matched"].removesuffix(" s")) >= 1


def test_leaving_hold_in_time_raises_nothing(api: Api) -> None:
    create_rule(api, rule(ON_HOLD))
    _connected_call(api)
    status(api, "ON_HOLD")
    status(api, "CONNECTED")

    assert quiet_for(api, 1.5) == []


def test_a_clock_that_fired_does_not_fire_again_while_its_state_lasts(api: Api) -> None:
    create_rule(api, rule(ON_HOLD, cooldownSeconds=0))
    _connected_call(api)
    status(api, "ON_HOLD")
    wait_for_alerts(api)

    assert len(quiet_for(api, 1.5)) == 1


def test_a_second_hold_within_the_cooldown_raises_nothing(api: Api) -> None:
    create_rule(api, rule(ON_HOLD, cooldownSeconds=300))
    _connected_call(api)
    status(api, "ON_HOLD")
    wait_for_alerts(api)
    status(api, "CONNECTED")
    status(api, "ON_HOLD")

    assert len(quiet_for(api, 2)) == 1


def test_a_second_hold_after_the_cooldown_raises_another_alert(api: Api) -> None:
    create_rule(api, rule(ON_HOLD, cooldownSeconds=0))
    _connected_call(api)
    status(api, "ON_HOLD")
    wait_for_alerts(api)
    status(api, "CONNECTED")
    status(api, "ON_HOLD")

    assert len(wait_for_alerts(api, 2)) == 2


def test_a_phase_active_longer_than_its_seconds_raises_an_alert(api: Api) -> None:
    create_rule(api, rule({"timeInState": {"state": "PHASE", "seconds": 1, "phase": "Discovery"}}))
    _connected_call(api)
    phase(api, "Discovery")

    [alert] = wait_for_alerts(api)

    assert alert["reason"] == "in phase Discovery for more than 1 s"


def test_moving_on_from_the_phase_in_time_raises_nothing(api: Api) -> None:
    create_rule(api, rule({"timeInState": {"state": "PHASE", "seconds": 1, "phase": "Discovery"}}))
    _connected_call(api)
    phase(api, "Discovery")
    phase(api, "Value Proposition")

    assert quiet_for(api, 1.5) == []


def test_any_phase_is_timed_from_the_calls_start_in_its_first_phase(api: Api) -> None:
    create_rule(api, rule({"timeInState": {"state": "PHASE", "seconds": 1}}))
    api.start_call()

    [alert] = wait_for_alerts(api)

    assert alert["reason"] == "in phase Opening for more than 1 s"


def test_silence_while_connected_raises_an_alert(api: Api) -> None:
    create_rule(api, rule(SILENCE))
    _connected_call(api)

    [alert] = wait_for_alerts(api)

    assert alert["reason"] == "no final line for 1 s while connected"


def test_each_final_line_pushes_the_silence_deadline_on(api: Api) -> None:
    create_rule(api, rule({"timeInState": {"state": "SILENCE", "seconds": 2}}))
    _connected_call(api)
    talking = []
    for _ in range(7):
        api.add_line(text="still talking")
        talking.append(len(quiet_for(api, 0.4)))

    assert talking == [0] * 7
    assert len(wait_for_alerts(api)) == 1


def test_an_interim_line_does_not_push_the_silence_deadline_on(api: Api) -> None:
    create_rule(api, rule(SILENCE))
    _connected_call(api)
    for index in range(7):
        api.add_line(text="um", isFinal=False, segmentId=f"s{index}")
        quiet_for(api, 0.4)

    assert len(alerts(api)) == 1


def test_silence_on_hold_is_not_timed(api: Api) -> None:
    create_rule(api, rule(SILENCE))
    _connected_call(api)
    status(api, "ON_HOLD")

    assert quiet_for(api, 1.5) == []


def test_a_phrase_not_said_within_seconds_of_connecting_raises_an_alert(api: Api) -> None:
    create_rule(api, rule(DISCLOSURE, name="disclosure"))
    _connected_call(api)

    [alert] = wait_for_alerts(api)

    assert alert["reason"] == 'AGENT did not say "this call may be recorded" within 1 s of connecting'


def test_the_phrase_said_in_time_stops_its_clock(api: Api) -> None:
    create_rule(api, rule(DISCLOSURE))
    _connected_call(api)
    api.add_line(text="Hi! This call may be recorded.", speaker="AGENT")

    assert quiet_for(api, 1.5) == []


def test_the_phrase_said_by_the_other_speaker_does_not_stop_its_clock(api: Api) -> None:
    create_rule(api, rule(DISCLOSURE))
    _connected_call(api)
    api.add_line(text="This call may be recorded?", speaker="CUSTOMER")

    assert len(wait_for_alerts(api)) == 1


def test_the_not_said_clock_starts_when_the_call_connects(api: Api) -> None:
    create_rule(api, rule(DISCLOSURE))
    api.start_call()
    status(api, "RINGING")
    before = quiet_for(api, 1.5)
    status(api, "CONNECTED")

    assert before == []
    assert len(wait_for_alerts(api)) == 1


def test_the_not_said_clock_runs_once_per_call(api: Api) -> None:
    create_rule(api, rule(DISCLOSURE, cooldownSeconds=0))
    _connected_call(api)
    wait_for_alerts(api)
    status(api, "ON_HOLD")
    status(api, "CONNECTED")

    assert len(quiet_for(api, 1.5)) == 1


def test_reaching_the_end_of_a_phase_without_the_phrase_raises_an_alert(api: Api) -> None:
    create_rule(api, rule(PRICE_BEFORE_CLOSING, name="price disclosure"))
    _connected_call(api)
    phase(api, "Closing")
    before = alerts(api)
    phase(api, "Objection Handling")

    assert before == []
    [alert] = alerts(api)
    assert alert["reason"] == 'AGENT did not say "the price is" before Closing ended'


def test_the_phrase_said_before_the_phase_ends_raises_nothing(api: Api) -> None:
    create_rule(api, rule(PRICE_BEFORE_CLOSING))
    _connected_call(api)
    api.add_line(text="So the price is 40 dollars a month", speaker="AGENT")
    phase(api, "Closing")
    phase(api, "Objection Handling")

    assert alerts(api) == []


def test_negative_sentiment_held_for_seconds_raises_an_alert(api: Api) -> None:
    create_rule(api, rule(SOUR_FOR_A_SECOND))
    api.start_call()
    api.add_line(text="This is terrible", speaker="CUSTOMER", sentiment="NEGATIVE")

    [alert] = wait_for_alerts(api)

    assert alert["reason"].startswith("negative sentiment at 10% or more for 1 s")


def test_sentiment_that_recovers_in_time_raises_nothing(api: Api) -> None:
    create_rule(api, rule(SOUR_FOR_A_SECOND))
    api.start_call()
    api.add_line(text="This is terrible", speaker="CUSTOMER", sentiment="NEGATIVE")
    api.add_line(text="Oh, that is great", speaker="CUSTOMER", sentiment="POSITIVE")

    assert quiet_for(api, 1.5) == []


def test_sentiment_that_goes_on_holding_keeps_its_first_clock(api: Api) -> None:
    create_rule(api, rule(SOUR_FOR_A_SECOND))
    api.start_call()
    for _ in range(7):
        api.add_line(text="This is terrible", speaker="CUSTOMER", sentiment="NEGATIVE")
        quiet_for(api, 0.4)

    assert len(alerts(api)) == 1


def test_a_call_that_ends_before_its_deadline_raises_nothing(api: Api) -> None:
    create_rule(api, rule(ON_HOLD))
    _connected_call(api)
    status(api, "ON_HOLD")
    end(api)

    assert quiet_for(api, 1.5) == []


def test_a_rule_disabled_before_its_deadline_raises_nothing(api: Api) -> None:
    created = create_rule(api, rule(ON_HOLD))
    _connected_call(api)
    status(api, "ON_HOLD")
    api.data(UPDATE_RULE, id=created["id"], patch={"enabled": False})

    assert quiet_for(api, 1.5) == []


def test_a_rule_given_longer_seconds_before_its_deadline_does_not_fire_at_the_old_one(api: Api) -> None:
    created = create_rule(api, rule(ON_HOLD))
    _connected_call(api)
    status(api, "ON_HOLD")
    longer = {"timeInState": {"state": "ON_HOLD", "seconds": 60}}
    api.data(UPDATE_RULE, id=created["id"], patch={"condition": longer})

    assert quiet_for(api, 1.5) == []
