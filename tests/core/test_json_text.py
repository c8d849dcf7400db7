"""The one JSON encoder of events, responses and frames."""

import json

from app.core import json_text


def test_text_is_compact_json_that_reads_back_the_same() -> None:
    value = {"callId": "c-1", "seq": 3, "payload": {"text": "Hello", "score": 0.25}}
    text = json_text.dumps(value)
    assert json.loads(text) == value
    assert text == '{"callId":"c-1","seq":3,"payload":{"text":"Hello","score":0.25}}'


def test_non_ascii_is_written_as_utf8_not_escaped() -> None:
    assert json_text.dumps({"text": "naïve"}) == '{"text":"naïve"}'


def test_an_integer_past_64_bits_still_encodes() -> None:
    assert json.loads(json_text.dumps({"n": 2**70})) == {"n": 2**70}


def test_a_non_finite_float_is_written_as_null() -> None:
    assert json.loads(json_text.dumps({"score": float("nan"), "rate": float("inf")})) == {
        "score": None,
        "rate": None,
    }


def test_text_json_dumps_wrote_reads_back_even_where_orjson_refuses_it() -> None:
    assert json_text.loads('{"n": 1180591620717411303424, "ok": true}') == {"n": 2**70, "ok": True}
    assert json_text.loads('{"score": NaN}')["score"] != json_text.loads('{"score": NaN}')["score"]


def test_json_columns_are_stored_as_compact_text() -> None:
    assert json_text.COLUMN_CODEC["json_serializer"]({"a": [1, "é"]}) == '{"a":[1,"é"]}'
