"""The read side's transcript lines: plain values, as the table holds them."""

from datetime import UTC

from app.calls import reads
from app.core.db import Database
from app.core.scope import EVERY_CAMPAIGN
from tests.factories import Api


async def test_transcript_lines_come_back_in_order_with_their_stored_values(api: Api, db: Database) -> None:
    call = api.start_call("c")
    api.add_line("c", text="Hello", speaker="CUSTOMER", sentiment="POSITIVE", confidence=0.5)
    api.add_line("c", text="Hi there", isFinal=False)

    async with db.read() as session:
        row = await reads.get_call(session, call["callId"], scope=EVERY_CAMPAIGN)
        assert row is not None and row.id is not None
        lines = (await reads.transcripts_by_call(session, [row.id], first=10, after=None))[row.id]

    assert [(line.order, line.text, line.is_final) for line in lines] == [
        (0, "Hello", True),
        (1, "Hi there", False),
    ]
    assert (lines[0].speaker, lines[0].sentiment, lines[0].confidence) == ("customer", "positive", 0.5)
    assert lines[0].created_at.tzinfo is UTC


async def test_a_page_of_transcript_lines_starts_after_the_given_order(api: Api, db: Database) -> None:
    api.start_call("c")
    for text in ("one", "two", "three", "four"):
        api.add_line("c", text=text)

    async with db.read() as session:
        row = await reads.get_call(session, "c", scope=EVERY_CAMPAIGN)
        assert row is not None and row.id is not None
        lines = (await reads.transcripts_by_call(session, [row.id], first=2, after=0))[row.id]

    assert [line.text for line in lines] == ["two", "three"]
