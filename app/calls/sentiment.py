"""The spec's rolling sentiment: a pure function of the last state and one new label."""

import math
from dataclasses import dataclass

from app.calls.enums import Sentiment, SentimentTrend

WEIGHT = 0.1
TREND_THRESHOLD = 5


@dataclass(frozen=True)
class SentimentMix:
    positive: int
    neutral: int
    negative: int
    trend: SentimentTrend


def roll(positive: float, neutral: float, negative: float, label: Sentiment) -> SentimentMix:
    """Decay every share by ``WEIGHT`` and give the new label its weight of 100.

    The trend compares (positive - negative) before and after, unrounded, with
    a ±5 dead band; shares are rounded half up as JavaScript's Math.round does.
    """
    keep = 1 - WEIGHT
    new_positive = positive * keep + (100 * WEIGHT if label is Sentiment.POSITIVE else 0)
    new_neutral = neutral * keep + (100 * WEIGHT if label is Sentiment.NEUTRAL else 0)
    new_negative = negative * keep + (100 * WEIGHT if label is Sentiment.NEGATIVE else 0)
    old_balance = positive - negative
    new_balance = new_positive - new_negative
    if new_balance > old_balance + TREND_THRESHOLD:
        trend = SentimentTrend.IMPROVING
    elif new_balance < old_balance - TREND_THRESHOLD:
        trend = SentimentTrend.DECLINING
    else:
        trend = SentimentTrend.STABLE
    return SentimentMix(
        positive=js_round(new_positive),
        neutral=js_round(new_neutral),
        negative=js_round(new_negative),
        trend=trend,
    )


def js_round(value: float) -> int:
    """Math.round: halves go up (Python's round() goes to even)."""
    return math.floor(value + 0.5)
