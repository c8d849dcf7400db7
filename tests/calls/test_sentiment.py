"""The spec's rolling sentiment: keep 90% of each share, add 10 to the new label's share."""

import pytest

from app.calls.enums import Sentiment, SentimentTrend
from app.calls.sentiment import SentimentMix, js_round, roll

IMPROVING, STABLE, DECLINING = SentimentTrend.IMPROVING, SentimentTrend.STABLE, SentimentTrend.DECLINING


def test_a_positive_label_decays_every_share_and_adds_10_to_positive() -> None:
    # 33*0.9+10 = 39.7, 67*0.9 = 60.3, 0
    assert roll(33, 67, 0, Sentiment.POSITIVE) == SentimentMix(40, 60, 0, IMPROVING)


def test_a_neutral_label_decays_every_share_and_adds_10_to_neutral() -> None:
    # 29.7, 70.3, 0: balance 33 -> 29.7
    assert roll(33, 67, 0, Sentiment.NEUTRAL) == SentimentMix(30, 70, 0, STABLE)


def test_a_negative_label_decays_every_share_and_adds_10_to_negative() -> None:
    # 29.7, 60.3, 10: balance 33 -> 19.7
    assert roll(33, 67, 0, Sentiment.NEGATIVE) == SentimentMix(30, 60, 10, DECLINING)


def test_a_share_at_100_stays_at_100_under_its_own_label() -> None:
    assert roll(100, 0, 0, Sentiment.POSITIVE) == SentimentMix(100, 0, 0, STABLE)


def test_shares_round_half_up_like_math_round() -> None:
    # 25*0.9+10 = 32.5 -> 33 (Python's round() would give 32); 45*0.9 = 40.5 -> 41; 30*0.9 = 27
    assert roll(25, 45, 30, Sentiment.POSITIVE) == SentimentMix(33, 41, 27, IMPROVING)


def test_shares_below_a_half_round_down() -> None:
    # 31*0.9 = 27.9 -> 28, 44*0.9 = 39.6 -> 40, 25*0.9+10 = 32.5 -> 33
    assert roll(31, 44, 25, Sentiment.NEGATIVE) == SentimentMix(28, 40, 33, DECLINING)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(0.5, 1), (1.5, 2), (2.5, 3), (22.5, 23), (2.4999, 2), (2.5001, 3), (0.0, 0), (99.5, 100)],
)
def test_js_round_rounds_halves_up(value: float, rounded: int) -> None:
    assert js_round(value) == rounded


def test_trend_improves_when_the_balance_rises_by_more_than_5() -> None:
    # a positive line moves the balance by 10 - b/10: +5.1 for b = 49
    assert roll(49, 51, 0, Sentiment.POSITIVE).trend is IMPROVING


def test_trend_is_stable_when_the_balance_rises_by_exactly_5() -> None:
    # b = 50: 50*0.9+10 = 55, a rise of exactly 5 is inside the dead band
    assert roll(50, 50, 0, Sentiment.POSITIVE) == SentimentMix(55, 45, 0, STABLE)


def test_trend_compares_the_unrounded_balance() -> None:
    # 46 -> 51.4 rises by 5.4 (improving); the rounded 51 would rise by 5 only (stable)
    assert roll(46, 54, 0, Sentiment.POSITIVE) == SentimentMix(51, 49, 0, IMPROVING)


def test_trend_declines_when_the_balance_falls_by_more_than_5() -> None:
    # a neutral line moves the balance by -b/10: -5.1 for b = 51
    assert roll(51, 49, 0, Sentiment.NEUTRAL).trend is DECLINING


def test_trend_is_stable_when_the_balance_falls_by_exactly_5() -> None:
    # b = 50: 45 - 0 after a neutral line
    assert roll(50, 50, 0, Sentiment.NEUTRAL) == SentimentMix(45, 55, 0, STABLE)


def test_trend_compares_the_unrounded_balance_when_falling() -> None:
    # b = 54: a neutral line gives 48.6 (fall 5.4, declining); the rounded 49 would fall 5 only
    assert roll(54, 46, 0, Sentiment.NEUTRAL) == SentimentMix(49, 51, 0, DECLINING)


def test_a_neutral_line_improves_a_very_negative_balance() -> None:
    # b = -60: 0.9 * -60 = -54, a rise of 6
    assert roll(0, 40, 60, Sentiment.NEUTRAL) == SentimentMix(0, 46, 54, IMPROVING)


def test_a_negative_line_on_a_very_negative_balance_is_stable() -> None:
    # b = -60: 0.9 * -60 - 10 = -64, a fall of 4
    assert roll(0, 40, 60, Sentiment.NEGATIVE) == SentimentMix(0, 36, 64, STABLE)


def test_roll_takes_the_stored_shares_as_they_are_without_normalising_them() -> None:
    # the spec never rescales: shares that sum past 100 stay that way
    assert roll(38, 40, 23, Sentiment.NEUTRAL) == SentimentMix(34, 46, 21, STABLE)
