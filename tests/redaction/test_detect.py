"""What the detectors find in a line, as speech-to-text writes it, and what they leave alone."""

import pytest

from app.redaction.detect import find
from app.redaction.entities import Entity
from app.redaction.redact import DEFAULT_POLICY, Policy, redact
from tests.scaled import store_independent

pytestmark = store_independent

EVERYTHING = frozenset(Entity)


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[f.start : f.end], f.entity.value) for f in find(text, EVERYTHING)]


@pytest.mark.parametrize(
    "text",
    [
        "my card is 4111 1111 1111 1111 thanks",
        "my card is 4111-1111-1111-1111",
        "it's 4111111111111111",
        "four one one one one one one one one one one one one one one one",
        "four one double one, one one one one, one one one one, one one one one",
    ],
)
def test_a_card_number_is_found_however_it_is_written(text: str) -> None:
    assert [kind for _, kind in spans(text)] == ["CREDIT_DEBIT_NUMBER"]


def test_sixteen_digits_that_fail_the_luhn_check_are_not_a_card() -> None:
    assert spans("tracking 4111 1111 1111 1112") == []


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("the security code is 123", "123", "CREDIT_DEBIT_CVV"),
        ("the three digits on the back are seven seven two", "seven seven two", "CREDIT_DEBIT_CVV"),
        ("it expires oh four twenty seven", "oh four twenty seven", "CREDIT_DEBIT_EXPIRY"),
        ("expiry 04/27", "04/27", "CREDIT_DEBIT_EXPIRY"),
        ("my pin is 4 4 2 1", "4 4 2 1", "PIN"),
        ("social is 536-90-4399", "536-90-4399", "SSN"),
        ("my social security number is five three six nine oh four three nine nine", None, "SSN"),
        ("write to jo.smith@example.com", "jo.smith@example.com", "EMAIL"),
        ("call me on 415 555 2671", "415 555 2671", "PHONE"),
        ("four one five five five five two six seven one", None, "PHONE"),
        ("IBAN GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32", "BANK_ACCOUNT_NUMBER"),
        ("routing number 011000015", "011000015", "BANK_ROUTING"),
        ("account number 12345678", "12345678", "BANK_ACCOUNT_NUMBER"),
    ],
)
def test_each_kind_is_found_in_its_context(text: str, value: str | None, kind: str) -> None:
    [(found, found_kind)] = spans(text)

    assert found_kind == kind
    assert found == (value or found)


@pytest.mark.parametrize(
    "text",
    [
        "order 1234 5678 costs 49.99",
        "we open at nine thirty and close at five",
        "that is twenty dollars for 2 items, ticket 88213",
        "the meeting is on 12/05 at 3:30",
        "we have 1500 seats and 250 left, it was 2026",
        "oh, I see, one moment",
        "your reference is 7781 2293",
        "the code word is blue",
    ],
)
def test_ordinary_numbers_stay_readable(text: str) -> None:
    assert spans(text) == []
    assert redact(text, Policy(EVERYTHING)).text == text


def test_the_default_policy_redacts_cards_cvv_expiry_pin_and_ssn_but_not_email() -> None:
    text = "card 4111 1111 1111 1111, security code 123, email a@b.co"

    assert (
        redact(text, DEFAULT_POLICY).text
        == "card [CREDIT_DEBIT_NUMBER], security code [CREDIT_DEBIT_CVV], email a@b.co"
    )


def test_a_policy_may_keep_a_cards_last_four_digits() -> None:
    cards = frozenset({Entity.CREDIT_DEBIT_NUMBER})

    assert redact("card 4111 1111 1111 1111", Policy(cards, last_four=cards)).text == "card •••• 1111"


def test_redaction_says_where_each_replacement_stands() -> None:
    result = redact("card 4111 1111 1111 1111 ok", DEFAULT_POLICY)

    [(start, end, kind)] = result.spans
    assert result.text[start:end] == "[CREDIT_DEBIT_NUMBER]" and kind is Entity.CREDIT_DEBIT_NUMBER
