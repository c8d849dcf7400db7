"""Each condition kind fires on the write that meets it, once per cooldown, only where it applies."""

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import Api
from tests.rules.documents import METRICS, SYSTEM, alerts, create_rule, phrases_rule

Trip = Callable[[Api], None]


def _line(text: str, **variables: Any) -> Trip:
    return lambda api: (api.add_line(text=text, **variables), None)[1]


def _metric(**metrics: float) -> Trip:
    return lambda api: (api.data(METRICS, callId="call-1", metrics=metrics), None)[1]


def _system(**variables: Any) -> Trip:
    return lambda api: (api.data(SYSTEM, callId="call-1", **variables), None)[1]


KINDS: dict[str, tuple[dict[str, Any], Trip]] = {
    "phrases said": (
        {"phrasesSaid": {"phrases": ["speak to a manager"]}},
        _line("Let me speak to a manager"),
    ),
    "negative sentiment at once": (
        {"sentiment": {"negativeAtLeast": 10}},
        _line("This is awful", sentiment="NEGATIVE", speaker="CUSTOMER"),
    ),
    "declining sentiment at once": (
        {"sentiment": {"declining": True}},
        _line("This is awful", sentiment="NEGATIVE", speaker="CUSTOMER"),
    ),
    "sentiment for one line": (
        {"sentiment": {"negativeAtLeast": 10, "forLines": 1}},
        _line("This is awful", sentiment="NEGATIVE", speaker="CUSTOMER"),
    ),
    "metric below": ({"metric": {"metric": "SCRIPT_ADHERENCE", "below": 60}}, _metric(scriptAdherence=40)),
    "metric at least": (
        {"metric": {"metric": "CONVERSION_PROBABILITY", "atLeast": 80}},
        _metric(conversionProbability=85),
    ),
    "service in error": ({"pipelineHealth": {"inError": True}}, _system(service="STT", status="ERROR")),
    "latency above": (
        {"pipelineHealth": {"apiLatencyAboveMs": 800}},
        _system(service="LLM", status="ACTIVE", latency=1200),
    ),
    "error rate above": (
        {"pipelineHealth": {"errorRateAbove": 0.1}},
        _system(service="TTS", status="ACTIVE", errorRate=0.5),
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_condition_fires_once_within_its_cooldown_and_again_after_it(api: Api, kind: str) -> None:
    condition, trip = KINDS[kind]
    create_rule(api, {"name": kind, "severity": "WARNING", "condition": condition, "cooldownSeconds": 1.5})
    api.start_call()

    trip(api)
    trip(api)
    within = len(alerts(api))
    time.sleep(1.6)
    trip(api)

    assert within == 1
    assert [alert["ruleName"] for alert in alerts(api)] == [kind, kind]


def test_a_condition_not_met_raises_nothing(api: Api) -> None:
    create_rule(
        api,
        {
            "name": "low",
            "severity": "INFO",
            "condition": {"metric": {"metric": "SCRIPT_ADHERENCE", "below": 60}},
        },
    )
    api.start_call()

    api.data(METRICS, callId="call-1", metrics={"scriptAdherence": 75})

    assert alerts(api) == []


def test_sentiment_for_lines_fires_on_the_nth_consecutive_line(api: Api) -> None:
    create_rule(
        api,
        {
            "name": "sour",
            "severity": "WARNING",
            "condition": {"sentiment": {"negativeAtLeast": 10, "forLines": 3}},
        },
    )
    api.start_call()
    counts = []
    for _ in range(3):
        api.add_line(text="no", sentiment="NEGATIVE", speaker="CUSTOMER")
        counts.append(len(alerts(api)))

    assert counts == [0, 0, 1]


def test_a_line_below_the_threshold_restarts_the_count_of_lines(api: Api) -> None:
    create_rule(
        api,
        {
            "name": "sour",
            "severity": "WARNING",
            "condition": {"sentiment": {"negativeAtLeast": 10, "forLines": 2}},
        },
    )
    api.start_call()
    api.add_line(text="no", sentiment="NEGATIVE", speaker="CUSTOMER")
    for _ in range(3):
        api.add_line(text="great", sentiment="POSITIVE", speaker="CUSTOMER")
    api.add_line(text="no", sentiment="NEGATIVE", speaker="CUSTOMER")

    assert alerts(api) == []


def test_a_rule_of_another_campaign_does_not_fire(api: Api) -> None:
    create_rule(api, phrases_rule("lawyer", campaignId="camp-b"))
    api.start_call(campaignId="camp-a")

    api.add_line(text="I will call my lawyer")

    assert alerts(api) == []


def test_a_campaigns_rule_fires_on_its_calls(api: Api) -> None:
    create_rule(api, phrases_rule("lawyer", campaignId="camp-a"))
    api.start_call(campaignId="camp-a")

    api.add_line(text="I will call my lawyer")

    assert [alert["campaignId"] for alert in alerts(api)] == ["camp-a"]


def test_a_disabled_rule_does_not_fire(api: Api) -> None:
    create_rule(api, phrases_rule("lawyer", enabled=False))
    api.start_call()

    api.add_line(text="I will call my lawyer")

    assert alerts(api) == []


def test_phrases_match_regardless_of_case_accents_and_punctuation(api: Api) -> None:
    create_rule(api, phrases_rule("café crème", "speak to a manager", cooldownSeconds=0))
    api.start_call()

    api.add_line(text="Un CAFE-CREME, s'il vous plaît")
    api.add_line(text="I want to SPEAK to a... manager!")

    assert [alert["reason"] for alert in alerts(api)] == [
        'AGENT said "speak to a manager"',
        'AGENT said "café crème"',
    ]


def test_a_phrase_inside_a_longer_word_does_not_match(api: Api) -> None:
    create_rule(api, phrases_rule("lawyer", "cancel"))
    api.start_call()

    api.add_line(text="The lawyers said the cancellation is fine")

    assert alerts(api) == []


def test_a_speaker_rule_ignores_the_other_speaker(api: Api) -> None:
    create_rule(api, phrases_rule("manager", speaker="CUSTOMER", cooldownSeconds=0))
    api.start_call()

    api.add_line(text="I am the manager", speaker="AGENT")
    api.add_line(text="Get me the manager", speaker="CUSTOMER")

    assert [alert["matched"] for alert in alerts(api)] == ["Get me the manager"]


def test_an_interim_line_does_not_fire_and_its_final_replacement_does(api: Api) -> None:
    create_rule(api, phrases_rule("lawyer"))
    api.start_call()

    api.add_line(text="my lawyer", isFinal=False, segmentId="s1")
    interim = alerts(api)
    api.add_line(text="my lawyer will call", isFinal=True, segmentId="s1")

    assert interim == []
    assert [alert["matched"] for alert in alerts(api)] == ["my lawyer will call"]


def test_phrases_match_the_line_as_stored_after_redaction(api: Api) -> None:
    create_rule(api, phrases_rule("4111"))
    api.start_call()

    api.add_line(text="my card is 4111 1111 1111 1111")

    assert alerts(api) == []
