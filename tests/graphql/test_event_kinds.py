from app.calls.enums import EventType
from app.graphql.events import KINDS
from app.graphql.schema import schema


def test_every_event_type_has_a_graphql_event_type() -> None:
    missing = [event_type.name for event_type in EventType if event_type not in KINDS]

    assert missing == [], f"no @kind declares a GraphQL type for {missing}"


def test_every_graphql_event_type_is_in_the_schema() -> None:
    names = [declared.graphql_type.__name__ for declared in KINDS.values()]

    assert [name for name in names if schema.get_type_by_name(name) is None] == []
