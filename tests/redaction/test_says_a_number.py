"""The quick check for a number in a line says what the full pattern says, on any text.

Most lines say no number, and the check decides whether a line is scanned further; one that
answered otherwise than ``NUMBERISH`` would skip a number (a card spoken in words) or scan
what the pattern skips.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.redaction.spoken import NUMBER_WORDS, NUMBERISH, says_a_number
from tests.scaled import store_independent

pytestmark = store_independent

PIECES = st.one_of(
    st.sampled_from(sorted(NUMBER_WORDS)),
    st.sampled_from(sorted(NUMBER_WORDS)).map(str.upper),
    st.sampled_from(sorted(NUMBER_WORDS)).map(str.title),
    st.sampled_from(
        ["ſix", "ſeven", "\u212aten", "İ", "ı", "é", "_", "-", " ", ", ", "'", "٣", "²", "x", "oh!", "o'"]
    ),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzſ _-.,0", max_size=6),
    st.text(max_size=3),
)


@given(st.lists(PIECES, max_size=12).map("".join))
def test_the_quick_check_agrees_with_the_pattern(text: str) -> None:
    assert says_a_number(text) == (NUMBERISH.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We are reviewing the budget next quarter, honestly.", False),
        ("my card is four one one one", True),
        ("Four", True),
        ("call me at 555", True),
        ("oh", True),
        ("ninety_two", False),  # no word boundary inside: the pattern skips it too
        ("someone", False),  # a number word inside a longer word is no number
        ("ſix", True),  # long s folds to s, as the pattern's case-insensitivity reads it
        ("\u212aten", False),  # the Kelvin sign folds to k: "kten" is no number word
        ("٣", True),  # any Unicode digit, as \d
        ("", False),
    ],
)
def test_known_lines(text: str, expected: bool) -> None:
    assert says_a_number(text) is expected
    assert (NUMBERISH.search(text) is not None) is expected
