"""Transcript lines through the API: redacted under their call's policy before they are stored."""

import logging

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.factories import Api
from tests.post_call import CREATE_CAMPAIGN

CARD = "4111 1111 1111 1111"
CAMPAIGN = """
mutation($id: String!, $redact: [SensitiveData!], $keep: [SensitiveData!]) {
  createCampaign(campaignId: $id, name: "n", objectives: ["o"], costPerMinute: 0.1,
                 redact: $redact, keepLastFour: $keep) { redact keepLastFour }
}
"""


def texts(api: Api, call_id: str = "call-1") -> list[str]:
    return [line["text"] for line in api.live_call(call_id)["transcripts"]]


def test_with_no_configuration_card_numbers_are_redacted_and_email_addresses_kept(api: Api) -> None:
    api.start_call()

    line = api.add_line(text=f"card {CARD}, mail jo@example.com")

    assert line["text"] == "card [CREDIT_DEBIT_NUMBER], mail jo@example.com"
    assert texts(api) == [line["text"]]


def test_a_campaigns_policy_applies_to_its_calls(api: Api) -> None:
    api.data(CAMPAIGN, id="c", redact=["EMAIL", "CREDIT_DEBIT_NUMBER"], keep=["CREDIT_DEBIT_NUMBER"])
    api.start_call(campaignId="c")

    line = api.add_line(text=f"card {CARD}, mail jo@example.com")

    assert line["text"] == "card •••• 1111, mail [EMAIL]"


def test_a_campaign_may_turn_redaction_off_for_its_calls(api: Api) -> None:
    api.data(CAMPAIGN, id="c", redact=[])
    api.start_call(campaignId="c")

    assert api.add_line(text=f"card {CARD}")["text"] == f"card {CARD}"


def test_a_campaign_without_a_policy_shows_the_servers_default_as_null(api: Api) -> None:
    created = api.data(CREATE_CAMPAIGN, campaignId="c", name="n", objectives=["o"], costPerMinute=0.1)

    assert "redact" not in created["createCampaign"]
    assert api.data('{ campaign(campaignId: "c") { redact keepLastFour } }')["campaign"] == {
        "redact": None,
        "keepLastFour": None,
    }


def test_keeping_the_last_four_of_a_kind_not_redacted_is_bad_user_input(api: Api) -> None:
    error = api.error(CAMPAIGN, id="c", redact=["EMAIL"], keep=["CREDIT_DEBIT_NUMBER"])

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "keepLastFour"}


def test_an_interim_line_is_redacted_like_a_final(api: Api) -> None:
    api.start_call()

    line = api.add_line(text=f"it's {CARD}", isFinal=False, segmentId="s")

    assert line["text"] == "it's [CREDIT_DEBIT_NUMBER]"


def test_a_card_number_split_over_a_speakers_two_final_lines_is_redacted_in_both(api: Api) -> None:
    api.start_call()
    api.add_line(text="the card is 4111 1111", speaker="CUSTOMER")

    api.add_line(text="1111 1111, done", speaker="CUSTOMER")

    assert texts(api) == ["the card is [CREDIT_DEBIT_NUMBER]", "[CREDIT_DEBIT_NUMBER], done"]


def test_numbers_of_two_speakers_are_not_joined(api: Api) -> None:
    api.start_call()
    api.add_line(text="the code is 4111 1111", speaker="CUSTOMER")

    api.add_line(text="1111 1111 received", speaker="AGENT")

    assert texts(api) == ["the code is 4111 1111", "1111 1111 received"]


def test_a_retried_line_holding_a_card_returns_the_first_result(api: Api) -> None:
    api.start_call()
    first = api.add_line(text=f"card {CARD}", idempotencyKey="k")

    again = api.add_line(text=f"card {CARD}", idempotencyKey="k")

    assert again == first
    assert len(texts(api)) == 1


def test_turning_redaction_off_for_the_server_is_said_at_startup(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), TestClient(create_app(settings.model_copy(update={"redact": ()}))):
        pass

    assert "REDACTION IS OFF" in caplog.text
