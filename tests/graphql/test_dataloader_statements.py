"""A board of N calls costs the same number of SQL statements as a board of two."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from app.core.config import Settings
from app.core.db import Database
from tests.factories import Api

BOARD = """
{
  liveCalls {
    callId
    objectives { order }
    phases { order }
    transcripts { order }
    performanceMetrics { scriptAdherence }
    sentiment { trend }
    systemConfig { totalCost }
    supervisorActions { order }
    coachingRecommendations { priority }
  }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The rules' deadline poll (and the overdue instructions') reads on its own clock: once a
    minute here, so it stays out of the statements counted."""
    return settings.model_copy(update={"rules_deadline_poll": 60})


@contextmanager
def statements(client: TestClient) -> Iterator[list[str]]:
    """Every SQL statement either engine runs inside the block."""
    db: Database = client.app.state.services.db  # type: ignore[attr-defined]
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engines = {db.reader.sync_engine, db.writer.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def start_busy_calls(api: Api, call_ids: range) -> None:
    """Calls with a record in every nested list, so every loader has rows to return."""
    for index in call_ids:
        call_id = f"call-{index}"
        api.start_call(call_id)
        api.add_line(call_id, "Hello")
        api.data(
            f'mutation {{ addSupervisorAction(callId: "{call_id}", supervisorId: "s", supervisorName: "S",'
            " action: JOIN_CALL) { order } }"
        )
        api.data(
            f'mutation {{ addCoachingRecommendation(callId: "{call_id}", type: SUGGESTION, title: "t",'
            ' description: "d", priority: 5) { priority } }'
        )


def board_statements(api: Api, calls: int) -> list[str]:
    with statements(api.client) as seen:
        board = api.data(BOARD)["liveCalls"]
    assert len(board) == calls
    for call in board:
        assert (len(call["objectives"]), len(call["phases"])) == (5, 5)
        assert (len(call["transcripts"]), len(call["supervisorActions"])) == (1, 1)
        assert len(call["coachingRecommendations"]) == 1
    return seen


def test_the_board_runs_as_many_statements_for_8_calls_as_for_2(api: Api) -> None:
    start_busy_calls(api, range(2))
    two = board_statements(api, 2)

    start_busy_calls(api, range(2, 8))
    eight = board_statements(api, 8)

    assert len(two) >= 9
    assert len(eight) == len(two)


def test_the_board_runs_one_select_per_relation_plus_the_calls(api: Api) -> None:
    start_busy_calls(api, range(3))

    selects = [s for s in board_statements(api, 3) if s.lstrip().upper().startswith("SELECT")]

    # liveCalls, then objectives, phases, transcripts, metrics, sentiment, config, actions, tips
    assert len(selects) == 9
