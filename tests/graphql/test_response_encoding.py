"""HTTP responses are encoded with orjson: the same JSON as before, UTF-8 as sent."""

import json

from app.core.config import Settings
from app.graphql.view import graphql_view
from tests.factories import Api


def test_a_line_with_accents_and_emoji_comes_back_as_sent(api: Api) -> None:
    api.start_call("c")
    api.add_line("c", text="Señora Müller, ¿sí? 👍")

    query = '{ liveCall(callId: "c") { transcripts { text } } }'
    response = api.client.post("/graphql", json={"query": query})

    assert "Señora Müller, ¿sí? 👍".encode() in response.content
    assert response.json()["data"]["liveCall"]["transcripts"] == [{"text": "Señora Müller, ¿sí? 👍"}]


def test_what_orjson_refuses_is_encoded_by_json_instead(settings: Settings) -> None:
    view = graphql_view(settings)

    encoded = view.encode_json({"data": {"big": 2**70, "list": [1.5, None]}})

    assert isinstance(encoded, str) and json.loads(encoded) == {"data": {"big": 2**70, "list": [1.5, None]}}
