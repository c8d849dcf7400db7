"""Managing rules: create, read, change, delete; bad rules name their field; who may manage which."""

from collections.abc import Callable
from typing import Any

import pytest

from app.auth.roles import Role
from tests.factories import Api
from tests.rules.conftest import TokenApi
from tests.rules.documents import (
    CREATE_RULE,
    DELETE_RULE,
    RULES,
    UPDATE_RULE,
    alerts,
    create_rule,
    phrases_rule,
)


def test_a_created_rule_reads_back_with_its_condition_and_actions(api: Api) -> None:
    coaching = {"type": "WARNING", "title": "Escalation", "description": "Offer a callback", "priority": 8}
    created = create_rule(api, phrases_rule("lawyer", speaker="CUSTOMER", coaching=coaching, webhook=True))

    assert api.data(RULES)["rules"] == [created]
    assert created["condition"] == {
        "kind": "PHRASES_SAID",
        "phrasesSaid": {"phrases": ["lawyer"], "speaker": "CUSTOMER"},
        "phrasesNotSaid": None,
        "sentiment": None,
        "metric": None,
        "timeInState": None,
        "pipelineHealth": None,
    }
    assert (created["coaching"], created["webhook"], created["cooldownSeconds"]) == (coaching, True, 300)


def test_a_patch_changes_only_what_it_gives(api: Api) -> None:
    created = create_rule(api, phrases_rule("lawyer", name="legal"))

    patched = api.data(
        UPDATE_RULE,
        id=created["id"],
        patch={"severity": "INFO", "condition": {"metric": {"metric": "AGENT_CONFIDENCE", "below": 30}}},
    )["updateRule"]

    assert (patched["name"], patched["severity"], patched["condition"]["kind"]) == ("legal", "INFO", "METRIC")
    assert patched["condition"]["metric"] == {"metric": "AGENT_CONFIDENCE", "below": 30.0, "atLeast": None}


def test_a_changed_rule_is_in_force_at_the_next_write(api: Api) -> None:
    created = create_rule(api, phrases_rule("lawyer"))
    api.start_call()
    api.data(UPDATE_RULE, id=created["id"], patch={"condition": {"phrasesSaid": {"phrases": ["refund"]}}})

    api.add_line(text="my lawyer wants a refund")

    assert [alert["reason"] for alert in alerts(api)] == ['AGENT said "refund"']


def test_a_deleted_rules_alerts_stay_with_its_name(api: Api) -> None:
    created = create_rule(api, phrases_rule("lawyer", name="legal"))
    api.start_call()
    api.add_line(text="my lawyer")

    api.data(DELETE_RULE, id=created["id"])
    api.add_line(text="my lawyer again")

    assert api.data(RULES)["rules"] == []
    assert [(alert["ruleName"], alert["ruleId"]) for alert in alerts(api)] == [("legal", None)]


def test_an_unknown_rule_is_not_found(api: Api) -> None:
    assert api.error(DELETE_RULE, id="999")["extensions"]["code"] == "NOT_FOUND"


BAD_RULES: dict[str, tuple[dict[str, Any], str]] = {
    "no phrases": ({"phrasesSaid": {"phrases": []}}, "input.condition.phrasesSaid.phrases"),
    "blank phrase": ({"phrasesSaid": {"phrases": ["ok", "  "]}}, "input.condition.phrasesSaid.phrases[1]"),
    "punctuation only": ({"phrasesSaid": {"phrases": ["?!"]}}, "input.condition.phrasesSaid.phrases[0]"),
    "too many phrases": (
        {"phrasesSaid": {"phrases": [f"p{n}" for n in range(201)]}},
        "input.condition.phrasesSaid.phrases",
    ),
    "long phrase": ({"phrasesSaid": {"phrases": ["x" * 201]}}, "input.condition.phrasesSaid.phrases[0]"),
    "threshold over 100": (
        {"sentiment": {"negativeAtLeast": 101}},
        "input.condition.sentiment.negativeAtLeast",
    ),
    "neither threshold nor trend": (
        {"sentiment": {"forLines": 3}},
        "input.condition.sentiment.negativeAtLeast",
    ),
    "seconds and lines": (
        {"sentiment": {"declining": True, "forSeconds": 5, "forLines": 3}},
        "input.condition.sentiment.forLines",
    ),
    "negative seconds": (
        {"sentiment": {"declining": True, "forSeconds": -1}},
        "input.condition.sentiment.forSeconds",
    ),
    "metric both bounds": (
        {"metric": {"metric": "SCRIPT_ADHERENCE", "below": 50, "atLeast": 10}},
        "input.condition.metric.atLeast",
    ),
    "metric out of range": (
        {"metric": {"metric": "SCRIPT_ADHERENCE", "below": 150}},
        "input.condition.metric.below",
    ),
    "absurd duration": (
        {"timeInState": {"state": "ON_HOLD", "seconds": 1e9}},
        "input.condition.timeInState.seconds",
    ),
    "phase not in the script": (
        {"timeInState": {"state": "PHASE", "seconds": 60, "phase": "Karaoke"}},
        "input.condition.timeInState.phase",
    ),
    "phase with another state": (
        {"timeInState": {"state": "ON_HOLD", "seconds": 60, "phase": "Closing"}},
        "input.condition.timeInState.phase",
    ),
    "deadline twice": (
        {"phrasesNotSaid": {"phrases": ["recorded"], "withinSeconds": 30, "beforePhaseEnds": "Opening"}},
        "input.condition.phrasesNotSaid.beforePhaseEnds",
    ),
    "unknown phase deadline": (
        {"phrasesNotSaid": {"phrases": ["price"], "beforePhaseEnds": "Dessert"}},
        "input.condition.phrasesNotSaid.beforePhaseEnds",
    ),
    "latency out of range": (
        {"pipelineHealth": {"apiLatencyAboveMs": 1e12}},
        "input.condition.pipelineHealth.apiLatencyAboveMs",
    ),
    "error rate over 1": (
        {"pipelineHealth": {"errorRateAbove": 2}},
        "input.condition.pipelineHealth.errorRateAbove",
    ),
}


@pytest.mark.parametrize("case", list(BAD_RULES))
def test_a_bad_condition_is_bad_user_input_naming_its_field(api: Api, case: str) -> None:
    condition, field = BAD_RULES[case]

    error = api.error(CREATE_RULE, input={"name": "bad", "severity": "INFO", "condition": condition})

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert api.data(RULES)["rules"] == []


def test_an_unknown_metric_is_refused_before_anything_runs(api: Api) -> None:
    condition = {"metric": {"metric": "MOOD", "below": 5}}

    error = api.error(CREATE_RULE, input={"name": "bad", "severity": "INFO", "condition": condition})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "MOOD" in error["message"]


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("cooldownSeconds", -1, "input.cooldownSeconds"),
        ("cooldownSeconds", 86_401, "input.cooldownSeconds"),
        ("name", " ", "input.name"),
        (
            "coaching",
            {"type": "WARNING", "title": "t", "description": "d", "priority": 11},
            "input.coaching.priority",
        ),
    ],
)
def test_a_bad_rule_field_is_bad_user_input_naming_it(api: Api, field: str, value: Any, path: str) -> None:
    error = api.error(CREATE_RULE, input={**phrases_rule("x"), field: value})

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": path}


def test_two_condition_kinds_in_variables_are_refused_naming_the_one_of_input(api: Api) -> None:
    condition = {"phrasesSaid": {"phrases": ["x"]}, "sentiment": {"declining": True}}

    error = api.error(CREATE_RULE, input={"name": "two", "severity": "INFO", "condition": condition})

    assert error == {
        "message": "OneOf Input Object 'RuleConditionInput' must specify exactly one key.",
        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
    }


def test_two_condition_kinds_in_the_document_are_refused_naming_the_one_of_input(api: Api) -> None:
    document = """mutation { createRule(input: {name: "two", severity: INFO, condition: {
        phrasesSaid: {phrases: ["x"]}, sentiment: {declining: true}}}) { id } }"""

    error = api.error(document)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "'RuleConditionInput' must specify exactly one key" in error["message"]


def test_a_patch_with_coaching_and_remove_coaching_is_bad_user_input(api: Api) -> None:
    created = create_rule(api, phrases_rule("x"))
    coaching = {"type": "WARNING", "title": "t", "description": "d", "priority": 1}

    error = api.error(UPDATE_RULE, id=created["id"], patch={"coaching": coaching, "removeCoaching": True})

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "patch.removeCoaching"}


def test_a_rule_records_who_created_it(as_role: Callable[..., TokenApi]) -> None:
    supervisor = as_role(Role.SUPERVISOR, subject="sup-42")

    assert create_rule(supervisor, phrases_rule("x"))["createdBy"] == "sup-42"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PIPELINE])
def test_only_supervisors_and_admins_manage_rules(as_role: Callable[..., TokenApi], role: Role) -> None:
    error = as_role(role).error(CREATE_RULE, input=phrases_rule("x"))

    assert error["extensions"]["code"] == "FORBIDDEN"


def test_a_scoped_supervisor_creates_rules_of_its_campaign_only(as_role: Callable[..., TokenApi]) -> None:
    scoped = as_role(Role.SUPERVISOR, campaigns=["camp-a"])

    own = create_rule(scoped, phrases_rule("x", campaignId="camp-a"))
    other = scoped.error(CREATE_RULE, input=phrases_rule("x", campaignId="camp-b"))
    global_rule = scoped.error(CREATE_RULE, input=phrases_rule("x"))

    assert own["campaignId"] == "camp-a"
    assert (other["extensions"]["code"], global_rule["extensions"]["code"]) == ("FORBIDDEN", "FORBIDDEN")


def test_a_scoped_supervisor_finds_no_other_campaigns_or_global_rule(
    as_role: Callable[..., TokenApi],
) -> None:
    admin = as_role(Role.ADMIN)
    theirs = create_rule(admin, phrases_rule("x", campaignId="camp-b"))
    everyone = create_rule(admin, phrases_rule("y"))
    scoped = as_role(Role.SUPERVISOR, campaigns=["camp-a"])

    codes = [
        scoped.error(DELETE_RULE, id=rule["id"])["extensions"]["code"] for rule in (theirs, everyone)
    ] + [scoped.error(UPDATE_RULE, id=theirs["id"], patch={"enabled": False})["extensions"]["code"]]

    assert codes == ["NOT_FOUND"] * 3
    assert scoped.data(RULES)["rules"] == []
    assert len(admin.data(RULES)["rules"]) == 2
