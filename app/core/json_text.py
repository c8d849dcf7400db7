"""JSON text for the wire and the log's messages: one encoder for every hot path.

orjson, several times ``json.dumps``' speed: every event is encoded for pub/sub, and
every result for its response or frame. What orjson refuses (an integer past 64 bits,
a key that is no string) goes through ``json.dumps`` instead, so nothing that encoded
before fails now. orjson writes a non-finite float as ``null``; the app's ranges keep
every number it sends finite, and a client reading ``null`` is better off than one
reading ``NaN``, which no JSON parser accepts.
"""

import json

import orjson


def dumps(value: object) -> str:
    """Compact JSON text, non-ASCII as UTF-8 (a ``str``: a WebSocket sends bytes as binary)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
