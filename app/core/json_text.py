"""JSON text for the wire, the log's messages and the JSON columns: one codec for every hot path.

orjson, several times ``json``'s speed: every event is encoded for pub/sub and stored in
the log, every result encoded for its response or frame. What orjson refuses (an integer past 64 bits,
a key that is no string) goes through ``json.dumps`` instead, so nothing that encoded
before fails now. orjson writes a non-finite float as ``null``; the app's ranges keep
every number it sends finite, and a client reading ``null`` is better off than one
reading ``NaN``, which no JSON parser accepts.
"""

import json
from typing import Any

import orjson


def dumps(value: object) -> str:
    """Compact JSON text, non-ASCII as UTF-8 (a ``str``: a WebSocket sends bytes as binary)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def loads(text: str | bytes) -> Any:
    """The value of JSON text; what orjson refuses (``NaN``, an integer past 64 bits, as
    ``json.dumps`` wrote them into rows stored before) is read by ``json.loads``."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


COLUMN_CODEC: dict[str, Any] = {"json_serializer": dumps, "json_deserializer": loads}
"""How JSON columns are written and read: every engine's options, and the SQLite group
commit's (``app.core.sqlite_rows``), which must store what the ORM stores."""
