"""Objects of plain fields are completed directly, with the same results and errors as graphql-core."""

import enum
from datetime import UTC, datetime
from typing import Any

import strawberry

from app.graphql.execution import PlainFieldsExecutor


@strawberry.enum
class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


@strawberry.type
class Line:
    order: int
    text: str
    mood: Mood | None
    at: datetime
    confidence: float | None

    @strawberry.field
    def shout(self) -> str:
        return self.text.upper()


LINES = [
    Line(order=0, text="hi", mood=Mood.HAPPY, at=datetime(2026, 1, 1, tzinfo=UTC), confidence=0.5),
    Line(order=1, text="bye", mood=None, at=datetime(2026, 1, 2, tzinfo=UTC), confidence=None),
]


@strawberry.type
class Query:
    @strawberry.field
    def lines(self) -> list[Line]:
        return LINES

    @strawberry.field
    def broken(self) -> list[Line]:
        return [*LINES, Line(order=2, text=None, mood=None, at=LINES[0].at, confidence=None)]  # type: ignore[arg-type]

    @strawberry.field
    def wrong_type(self) -> list[Line]:
        return [Line(order="not a number", text="x", mood=None, at=LINES[0].at, confidence=None)]  # type: ignore[arg-type]


direct = strawberry.Schema(query=Query, execution_context_class=PlainFieldsExecutor)
reference = strawberry.Schema(query=Query)


def _both(query: str) -> tuple[dict[str, Any], dict[str, Any]]:
    ours, theirs = direct.execute_sync(query), reference.execute_sync(query)
    return (
        {"data": ours.data, "errors": [e.formatted for e in ours.errors or []]},
        {"data": theirs.data, "errors": [e.formatted for e in theirs.errors or []]},
    )


def test_plain_scalar_and_enum_fields_complete_as_graphql_core_completes_them() -> None:
    ours, theirs = _both("{ lines { order text mood at confidence } }")
    assert ours == theirs
    assert ours["data"]["lines"][0] == {
        "order": 0,
        "text": "hi",
        "mood": "HAPPY",
        "at": "2026-01-01T00:00:00+00:00",
        "confidence": 0.5,
    }


def test_aliases_typename_and_resolved_fields_mixed_in_give_the_same_result() -> None:
    ours, theirs = _both("{ lines { n: order __typename shout ...on Line { text } } }")
    assert ours == theirs


def test_a_null_in_a_non_null_field_is_the_same_error() -> None:
    ours, theirs = _both("{ broken { order text } }")
    assert ours == theirs
    assert ours["errors"] and ours["data"] is None


def test_a_value_the_scalar_rejects_is_the_same_error() -> None:
    ours, theirs = _both("{ wrongType { order } }")
    assert ours == theirs
    assert ours["errors"]
