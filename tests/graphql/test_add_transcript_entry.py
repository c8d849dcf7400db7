"""addTranscriptEntry: ordered lines, the current speaker and the spec's rolling sentiment.

Sentiment starts at 33/67/0 (positive/neutral/negative). Each final line with a
sentiment keeps 90% of every share and adds 10 points to its own label; the
shares are stored rounded half up (Math.round), the trend compares the
unrounded positive - negative with the stored one, with a ±5 dead band.
"""

import pytest

from tests.factories import Api, when

SENTIMENT = """
query Sentiment($callId: String!) {
  liveCall(callId: $callId) {
    sentiment {
      positivePercentage neutralPercentage negativePercentage trend
      lastPositiveMoment lastNegativeMoment updatedAt
    }
  }
}
"""


def sentiment(api: Api, call_id: str = "call-1") -> dict[str, object]:
    result: dict[str, object] = api.data(SENTIMENT, callId=call_id)["liveCall"]["sentiment"]
    return result


def shares(api: Api) -> tuple[object, object, object, object]:
    mix = sentiment(api)
    return (
        mix["positivePercentage"],
        mix["neutralPercentage"],
        mix["negativePercentage"],
        mix["trend"],
    )


def test_add_transcript_entry_numbers_lines_0_1_2_in_arrival_order(api: Api) -> None:
    api.start_call("call-1")

    returned = [api.add_line("call-1", text)["order"] for text in ("one", "two", "three")]

    assert returned == [0, 1, 2]
    stored = api.live_call("call-1")["transcripts"]
    assert [(line["order"], line["text"]) for line in stored] == [(0, "one"), (1, "two"), (2, "three")]


def test_add_transcript_entry_orders_each_call_separately(api: Api) -> None:
    api.start_call("call-1")
    api.start_call("call-2")
    api.add_line("call-1", "one")
    api.add_line("call-1", "two")

    entry = api.add_line("call-2", "first of call 2")

    assert entry["order"] == 0


def test_add_transcript_entry_stores_the_line_as_given(api: Api) -> None:
    api.start_call("call-1")

    entry = api.add_line(
        "call-1",
        "We could start next week.",
        speaker="CUSTOMER",
        sentiment="POSITIVE",
        confidence=0.87,
        isFinal=True,
        timestamp="00:01:23",
    )

    expected = {
        "order": 0,
        "timestamp": "00:01:23",
        "speaker": "CUSTOMER",
        "text": "We could start next week.",
        "sentiment": "POSITIVE",
        "confidence": 0.87,
        "isFinal": True,
    }
    assert {key: entry[key] for key in expected} == expected
    [stored] = api.live_call("call-1")["transcripts"]
    assert {key: stored[key] for key in expected} == expected
    assert stored["createdAt"] == entry["createdAt"]


def test_add_transcript_entry_leaves_confidence_and_sentiment_null_when_not_given(api: Api) -> None:
    api.start_call("call-1")

    entry = api.add_line("call-1", "Hello")

    assert (entry["confidence"], entry["sentiment"]) == (None, None)


@pytest.mark.parametrize("confidence", [0.0, 1.0])
def test_add_transcript_entry_accepts_confidence_at_its_bounds(api: Api, confidence: float) -> None:
    api.start_call("call-1")

    entry = api.add_line("call-1", "Hello", confidence=confidence)

    assert entry["confidence"] == confidence


def test_add_transcript_entry_sets_the_current_speaker_to_the_last_speaker(api: Api) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "Hi, this is Ada.", speaker="AGENT")
    assert api.live_call("call-1")["currentSpeaker"] == "AGENT"

    api.add_line("call-1", "Hi Ada.", speaker="CUSTOMER")

    assert api.live_call("call-1")["currentSpeaker"] == "CUSTOMER"


def test_add_transcript_entry_sets_the_current_speaker_for_interim_lines_too(api: Api) -> None:
    api.start_call("call-1")

    api.add_line("call-1", "Hi A", speaker="CUSTOMER", isFinal=False)

    assert api.live_call("call-1")["currentSpeaker"] == "CUSTOMER"


def test_add_transcript_entry_moves_the_calls_updated_at(api: Api) -> None:
    started = api.start_call("call-1")

    api.add_line("call-1", "Hello")

    assert when(api.live_call("call-1")["updatedAt"]) > when(started["updatedAt"])


def test_a_final_positive_line_rolls_sentiment_to_40_60_0_improving(api: Api) -> None:
    api.start_call("call-1")

    api.add_line("call-1", "Sounds great!", sentiment="POSITIVE")

    # 33*0.9+10 = 39.7 -> 40; 67*0.9 = 60.3 -> 60; balance 33 -> 39.7 (> 33+5)
    assert shares(api) == (40, 60, 0, "IMPROVING")


def test_a_final_neutral_line_rolls_sentiment_to_30_70_0_stable(api: Api) -> None:
    api.start_call("call-1")

    api.add_line("call-1", "Okay.", sentiment="NEUTRAL")

    # 33*0.9 = 29.7 -> 30; 67*0.9+10 = 70.3 -> 70; balance 33 -> 29.7 (within ±5)
    assert shares(api) == (30, 70, 0, "STABLE")


def test_a_final_negative_line_rolls_sentiment_to_30_60_10_declining(api: Api) -> None:
    api.start_call("call-1")

    api.add_line("call-1", "Not interested.", sentiment="NEGATIVE")

    # 29.7 -> 30; 60.3 -> 60; 0+10 = 10; balance 33 -> 19.7 (< 33-5)
    assert shares(api) == (30, 60, 10, "DECLINING")


def test_sentiment_rolls_from_the_stored_rounded_shares_line_after_line(api: Api) -> None:
    api.start_call("call-1")
    seen = []

    for label in ("NEGATIVE", "NEGATIVE", "POSITIVE", "NEGATIVE"):
        api.add_line("call-1", "line", sentiment=label)
        seen.append(shares(api))

    assert seen == [
        (30, 60, 10, "DECLINING"),  # 29.7, 60.3, 10    balance 33 -> 19.7
        (27, 54, 19, "DECLINING"),  # 27, 54, 19        balance 20 -> 8
        (34, 49, 17, "IMPROVING"),  # 34.3, 48.6, 17.1  balance 8 -> 17.2
        (31, 44, 25, "DECLINING"),  # 30.6, 44.1, 25.3  balance 17 -> 5.3
    ]


def test_sentiment_shares_round_half_up_as_math_round_does(api: Api) -> None:
    api.start_call("call-1")
    for label in ("NEGATIVE", "NEGATIVE", "POSITIVE", "NEGATIVE"):
        api.add_line("call-1", "line", sentiment=label)

    api.add_line("call-1", "line", sentiment="POSITIVE")

    # from 31/44/25: 37.9 -> 38, 39.6 -> 40, 22.5 -> 23 (Python's round() would give 22)
    assert shares(api) == (38, 40, 23, "IMPROVING")


def test_sentiment_trend_compares_the_unrounded_balance(api: Api) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "line", sentiment="POSITIVE")
    api.add_line("call-1", "line", sentiment="POSITIVE")
    assert shares(api) == (46, 54, 0, "IMPROVING")

    api.add_line("call-1", "line", sentiment="POSITIVE")

    # 46*0.9+10 = 51.4: unrounded 51.4 > 46+5 improves; rounded 51 would have been stable
    assert shares(api) == (51, 49, 0, "IMPROVING")


def test_a_positive_line_stamps_last_positive_moment_only(api: Api) -> None:
    api.start_call("call-1")
    before = sentiment(api)

    api.add_line("call-1", "Great", sentiment="POSITIVE")

    after = sentiment(api)
    assert after["lastPositiveMoment"] is not None
    assert after["lastNegativeMoment"] is None
    assert when(str(after["lastPositiveMoment"])) > when(str(before["updatedAt"]))
    assert after["updatedAt"] == after["lastPositiveMoment"]


def test_a_negative_line_stamps_last_negative_moment_and_keeps_the_last_positive_one(api: Api) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "Great", sentiment="POSITIVE")
    positive = sentiment(api)["lastPositiveMoment"]

    api.add_line("call-1", "Too expensive", sentiment="NEGATIVE")

    after = sentiment(api)
    assert after["lastPositiveMoment"] == positive
    assert after["lastNegativeMoment"] is not None
    assert when(str(after["lastNegativeMoment"])) > when(str(positive))


def test_a_neutral_line_stamps_neither_moment(api: Api) -> None:
    api.start_call("call-1")

    api.add_line("call-1", "Okay", sentiment="NEUTRAL")

    after = sentiment(api)
    assert (after["lastPositiveMoment"], after["lastNegativeMoment"]) == (None, None)


@pytest.mark.parametrize("label", ["POSITIVE", "NEUTRAL", "NEGATIVE"])
def test_an_interim_line_with_a_sentiment_leaves_sentiment_unchanged(api: Api, label: str) -> None:
    api.start_call("call-1")
    before = sentiment(api)

    entry = api.add_line("call-1", "Sounds gr", sentiment=label, isFinal=False)

    assert (entry["isFinal"], entry["sentiment"]) == (False, label)
    assert sentiment(api) == before


def test_a_final_line_without_a_sentiment_leaves_sentiment_unchanged(api: Api) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "Great", sentiment="POSITIVE")
    before = sentiment(api)

    api.add_line("call-1", "Let me check my calendar.", isFinal=True)

    assert sentiment(api) == before
