from app.core.migrations import ROOT
from app.graphql.schema import sdl


def test_committed_schema_graphql_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()

    assert committed == sdl(), "schema.graphql is stale: run scripts/export-schema"
