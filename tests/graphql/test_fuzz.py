"""Generated queries and mutations with random inputs: never a 500, never an error without a code.

hypothesis-graphql builds valid and invalid documents from the schema; a
second strategy aims the spec's mutations at a real call with extreme values.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode
from hypothesis_graphql import strategies as gql
from starlette.testclient import TestClient

from app.core.config import Settings
from app.graphql.schema import sdl
from app.main import create_app
from tests.factories import START_CALL, call_args

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
LEAKS = ("Traceback", "sqlalchemy", "sqlite", "SELECT ", "INSERT ", 'File "')


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("fuzz") / "calls.db"
    path.write_bytes(migrated_sqlite.read_bytes())
    with TestClient(
        create_app(Settings(database_url=f"sqlite+aiosqlite:///{path}", auth_disabled=True))
    ) as client:
        for call_id in ("c", "d"):
            client.post("/graphql", json={"query": START_CALL, "variables": call_args(call_id)})
        yield client


def assert_well_formed(client: TestClient, query: object, variables: dict[str, Any] | None = None) -> None:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code < 500, response.text
    body = response.json()
    for error in body.get("errors") or []:
        code = error.get("extensions", {}).get("code")
        assert code, error
        assert code != "INTERNAL_SERVER_ERROR", error
        assert not any(leak in error["message"] for leak in LEAKS), error


@FUZZ
@given(query=gql.queries(sdl()))
def test_generated_queries_never_fail_without_a_code(fuzz_client: TestClient, query: str) -> None:
    assert_well_formed(fuzz_client, query)


@FUZZ
@given(mutation=gql.mutations(sdl()))
def test_generated_mutations_never_fail_without_a_code(fuzz_client: TestClient, mutation: str) -> None:
    assert_well_formed(fuzz_client, mutation)


@FUZZ
@given(document=gql.from_schema(sdl(), mode=Mode.NEGATIVE))
def test_generated_invalid_documents_are_rejected_with_a_code(fuzz_client: TestClient, document: str) -> None:
    assert_well_formed(fuzz_client, document)


texts = st.one_of(
    st.text(max_size=300), st.just(""), st.just(" "), st.text(max_size=20).map(lambda t: t + "x" * 10_001)
)
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**31), 2**31 - 1), st.just(-0.0)
)
call_ids = st.one_of(st.sampled_from(["c", "d"]), st.text(max_size=40))

MUTATIONS = {
    "line": (
        "mutation($c: String!, $t: String!, $x: String!, $s: Sentiment, $f: Float, $k: String, $g: String) {"
        " addTranscriptEntry(callId: $c, timestamp: $x, speaker: CUSTOMER, text: $t, sentiment: $s,"
        " confidence: $f, isFinal: true, idempotencyKey: $k, segmentId: $g) { order } }",
        st.fixed_dictionaries(
            {
                "c": call_ids,
                "t": texts,
                "x": texts,
                "s": st.sampled_from([None, "POSITIVE", "NEGATIVE", "NEUTRAL", "ANGRY"]),
                "f": st.one_of(st.none(), numbers),
                "k": st.one_of(st.none(), texts),
                "g": st.one_of(st.none(), texts),
            }
        ),
    ),
    "progress": (
        "mutation($c: String!, $d: Float!, $a: Float, $b: Float, $p: String) {"
        " updateCallProgress(callId: $c, duration: $d, agentGain: $a, customerGain: $b, currentPhase: $p)"
        " { duration } }",
        st.fixed_dictionaries(
            {"c": call_ids, "d": numbers, "a": st.one_of(st.none(), numbers), "b": numbers, "p": texts}
        ),
    ),
    "metrics": (
        "mutation($c: String!, $m: PerformanceMetricsInput!) {"
        " updatePerformanceMetrics(callId: $c, metrics: $m) { scriptAdherence } }",
        st.fixed_dictionaries(
            {
                "c": call_ids,
                "m": st.dictionaries(
                    st.sampled_from(["scriptAdherence", "agentConfidence", "voiceEnergyLevel", "bogus"]),
                    st.one_of(numbers, texts, st.none()),
                ),
            }
        ),
    ),
    "tip": (
        "mutation($c: String!, $t: String!, $d: String!, $p: Int!) { addCoachingRecommendation(callId: $c,"
        " type: WARNING, title: $t, description: $d, priority: $p) { priority } }",
        st.fixed_dictionaries({"c": call_ids, "t": texts, "d": texts, "p": st.integers(-(2**40), 2**40)}),
    ),
    "status": (
        "mutation($c: String!, $s: CallStatus!) { updateCallStatus(callId: $c, status: $s) { status } }",
        st.fixed_dictionaries({"c": call_ids, "s": st.sampled_from(["RINGING", "CONNECTED", "ENDED", "x"])}),
    ),
    "system": (
        "mutation($c: String!, $l: Float, $e: Float) { updateSystemStatus(callId: $c, service: LLM,"
        " status: ERROR, latency: $l, errorRate: $e) { apiLatency } }",
        st.fixed_dictionaries({"c": call_ids, "l": numbers, "e": numbers}),
    ),
    "phase": (
        "mutation($c: String!, $p: String!, $q: Quality) {"
        " updateCallPhase(callId: $c, phase: $p, quality: $q) { currentPhase } }",
        st.fixed_dictionaries(
            {
                "c": call_ids,
                "p": st.one_of(st.sampled_from(["Opening", "Discovery", "Closing"]), texts),
                "q": st.sampled_from([None, "GOOD", "nope"]),
            }
        ),
    ),
    "page": (
        "query($c: String!, $f: Int, $a: Int) { liveCall(callId: $c) { transcripts(first: $f, after: $a)"
        " { order } } }",
        st.fixed_dictionaries(
            {
                "c": call_ids,
                "f": st.one_of(st.none(), st.integers(-5, 5_000)),
                "a": st.integers(-(2**31), 2**31 - 1),
            }
        ),
    ),
}


@FUZZ
@given(data=st.data(), name=st.sampled_from(sorted(MUTATIONS)))
def test_the_spec_mutations_with_extreme_values_never_fail_without_a_code(
    fuzz_client: TestClient, data: st.DataObject, name: str
) -> None:
    document, variables = MUTATIONS[name]
    assert_well_formed(fuzz_client, document, data.draw(variables))
