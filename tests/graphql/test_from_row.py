from datetime import UTC, datetime
from typing import get_type_hints

import pytest
from sqlmodel import SQLModel

from app.calls import instruction_models, models
from app.calls.enums import PhaseStatus, Quality, Sentiment, Speaker
from app.calls.reads import TranscriptRow
from app.graphql import alerts, instruction_types, types
from app.graphql.from_row import DECLARED, copied_fields, enum_fields
from app.rules import models as rule_models

ROWS: dict[type, tuple[type, ...]] = {
    types.CallObjective: (models.CallObjective,),
    types.CallPhase: (models.CallPhase,),
    types.PerformanceMetrics: (models.LivePerformanceMetrics,),
    types.SentimentAnalysis: (models.SentimentAnalysis,),
    types.CallSystemConfig: (models.CallSystemConfig,),
    types.TranscriptEntry: (models.LiveTranscript, TranscriptRow),
    types.SupervisorAction: (models.SupervisorAction,),
    types.CoachingRecommendation: (models.CoachingRecommendation,),
    types.LiveCall: (models.LiveCall,),
    alerts.Alert: (rule_models.Alert,),
    instruction_types.AgentInstruction: (instruction_models.AgentInstruction,),
    instruction_types.Participant: (instruction_models.CallParticipant,),
}
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _column_type(row_type: type, name: str) -> object:
    if issubclass(row_type, SQLModel):
        return row_type.model_fields[name].annotation
    return get_type_hints(row_type)[name]


def test_every_type_with_from_row_names_its_rows_here() -> None:
    assert set(DECLARED) == set(ROWS)


@pytest.mark.parametrize("graphql_type", list(ROWS), ids=lambda t: t.__name__)
def test_a_copied_field_has_its_column_type(graphql_type: type) -> None:
    fields = get_type_hints(graphql_type)
    for row_type in ROWS[graphql_type]:
        differ = {
            name: (fields[name], _column_type(row_type, name))
            for name in copied_fields(graphql_type)
            if fields[name] != _column_type(row_type, name)
        }

        assert differ == {}, f"convert these in {graphql_type.__name__}.from_row ({row_type.__name__})"


@pytest.mark.parametrize("graphql_type", list(ROWS), ids=lambda t: t.__name__)
def test_an_enum_field_reads_a_column_holding_its_values(graphql_type: type) -> None:
    for row_type in ROWS[graphql_type]:
        wrong = {
            name: _column_type(row_type, name)
            for name, (kind, nullable) in enum_fields(graphql_type).items()
            if _column_type(row_type, name) not in ((str | None, kind | None) if nullable else (str, kind))
        }

        assert wrong == {}, f"convert these in {graphql_type.__name__}.from_row ({row_type.__name__})"


def test_an_empty_nullable_enum_is_none_and_an_unknown_value_is_refused() -> None:
    row = models.CallPhase(
        live_call_id=1, phase="close", status="active", order=3, start_time=NOW, quality=None
    )

    assert types.CallPhase.from_row(row).quality is None
    row.status = "sideways"
    with pytest.raises(KeyError, match="sideways"):
        types.CallPhase.from_row(row)


def test_from_row_copies_the_same_named_columns_and_converts_the_rest() -> None:
    row = models.CallPhase(
        live_call_id=1, phase="close", status="completed", order=3, start_time=NOW, quality="good"
    )

    phase = types.CallPhase.from_row(row)

    assert phase == types.CallPhase(
        phase="close",
        status=PhaseStatus.COMPLETED,
        order=3,
        start_time=NOW,
        end_time=None,
        quality=Quality.GOOD,
    )


def test_from_row_of_a_read_row_builds_the_same_entry_as_of_the_table_row() -> None:
    values = {
        "live_call_id": 1,
        "order": 0,
        "timestamp": "00:01",
        "speaker": "customer",
        "text": "Hi",
        "sentiment": "positive",
        "confidence": 0.5,
        "is_final": True,
        "segment_id": None,
        "created_at": NOW,
    }

    entry = types.TranscriptEntry.from_row(TranscriptRow(**values))

    assert entry == types.TranscriptEntry.from_row(models.LiveTranscript(**values))
    assert (entry.speaker, entry.sentiment, entry.text) == (Speaker.CUSTOMER, Sentiment.POSITIVE, "Hi")


def test_a_value_the_row_does_not_hold_must_be_given() -> None:
    row = models.LiveCall(
        id=7,
        call_id="c",
        agent_name="A",
        customer_name="C",
        customer_phone="+1555",
        status="connected",
        start_time=NOW,
        current_phase="intro",
        campaign_name="x",
        session_id="s",
        created_at=NOW,
        updated_at=NOW,
    )

    with pytest.raises(TypeError, match="loaders"):
        types.LiveCall.from_row(row)
