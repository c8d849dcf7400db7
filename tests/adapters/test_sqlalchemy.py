"""The SQLAlchemy internals app/adapters/sqlalchemy.py relies on, as of SQLAlchemy 2.1.9 (SQLModel 0.0.50).

If one of these fails after upgrading SQLAlchemy or SQLModel, re-read
``ClassManager.new_instance`` (sqlalchemy/orm/instrumentation.py), how
``sqlalchemy/orm/loading.py`` makes the instance of a row it loads, and
``SQLModel.__new__``; the SQLite store built on them is tested in
tests/core/test_store_contract.py.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import JSON, Boolean, Float, Integer, String, Table, inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.instrumentation import ClassManager, manager_of_class
from sqlalchemy.types import TypeEngine
from sqlmodel import SQLModel

import app.tables  # noqa: F401  (every table in the metadata)
from app.adapters.sqlalchemy import loaded, sqlite_dialect, sqlite_processors, validated
from app.calls.models import LiveCall, LiveTranscript
from app.core.json_text import COLUMN_CODEC
from app.core.sqltypes import UTCDateTime
from tests.adapters.versions import assert_tested

INTERNALS = (
    "manager_of_class(model).new_instance(), __pydantic_validator__ with self_instance, "
    "and processors from an unconnected dialect"
)

SAMPLES: list[tuple[type | tuple[type, ...], Any]] = [
    (UTCDateTime, datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)),
    (JSON, {"nested": [1, "two", None]}),
    (Boolean, True),
    (Float, 1.5),
    (Integer, 7),
    (String, "text"),
]


def test_sqlalchemy_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("sqlalchemy", ">=2.1.9,<2.2", internals=INTERNALS)


def test_sqlmodel_is_the_version_the_adapter_was_written_for() -> None:
    assert_tested("sqlmodel", ">=0.0.50,<0.0.51", internals=INTERNALS)


def test_a_model_still_has_a_class_manager_that_makes_instances_without_init() -> None:
    configure_mappers()
    manager = manager_of_class(LiveCall)

    assert isinstance(manager, ClassManager)
    assert callable(manager.new_instance)


def test_a_loaded_row_is_a_working_orm_instance_without_validation_or_defaults() -> None:
    configure_mappers()
    now = datetime(2026, 1, 1, tzinfo=UTC)

    row = loaded(LiveCall, {"id": 3, "call_id": "c-1", "status": "IN_PROGRESS", "start_time": now})

    assert (row.id, row.call_id, row.status, row.start_time) == (3, "c-1", "IN_PROGRESS", now)
    assert "duration" not in row.__dict__  # no default filled in, as for a loaded row
    assert inspect(row).transient
    assert row.model_dump(include={"id", "call_id"}) == {"id": 3, "call_id": "c-1"}
    assert set(row.model_dump()) == {"id", "call_id", "status", "start_time"}  # no marker dumped


SNAPSHOTS: list[tuple[type[SQLModel], dict[str, Any]]] = [
    (LiveCall, {"id": 3, "call_id": "c-1", "agent_name": "A", "customer_name": "C",
                "customer_phone": "+15550100", "status": "IN_PROGRESS", "current_phase": "Opening",
                "campaign_name": "Spring", "session_id": "s-1",
                "start_time": "2026-01-02T03:04:05.678901Z"}),
    (LiveTranscript, {"id": 9, "live_call_id": 3, "timestamp": "00:01", "speaker": "AGENT",
                      "text": "Hello", "sentiment": None, "confidence": 0.5, "is_final": True,
                      "order": 1, "segment_id": None, "created_at": "2026-01-02T03:04:05Z"}),
]  # fmt: skip
"""Snapshots as events carry them (JSON: times as text), each with a time and defaults to fill."""


@pytest.mark.parametrize(("model", "data"), SNAPSHOTS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_validated_row_holds_what_model_validate_makes_of_the_same_data(
    model: type[SQLModel], data: dict[str, Any]
) -> None:
    configure_mappers()

    row, expected = validated(model, data), model.model_validate(data)

    assert row.model_dump() == expected.model_dump()
    assert row.model_fields_set == expected.model_fields_set
    assert set(row.model_dump()) == set(model.model_fields)  # defaults filled in, no marker
    assert inspect(row).transient


def test_a_validated_row_refuses_what_model_validate_refuses() -> None:
    configure_mappers()
    bad = {"id": 3, "call_id": "c-1", "start_time": "not a time"}

    with pytest.raises(ValidationError) as theirs:
        LiveCall.model_validate(bad)
    with pytest.raises(ValidationError) as ours:
        validated(LiveCall, bad)

    assert ours.value.errors() == theirs.value.errors()


def test_an_assignment_to_a_validated_row_skips_the_orm() -> None:
    configure_mappers()
    row = validated(LiveCall, SNAPSHOTS[0][1])

    row.status = "COMPLETED"

    assert row.status == "COMPLETED"
    assert not inspect(row).modified


def test_an_assignment_to_a_loaded_rows_column_skips_the_orm_but_not_pydantic() -> None:
    configure_mappers()
    row = loaded(LiveCall, {"id": 3, "call_id": "c-1", "status": "IN_PROGRESS"})

    row.status = "COMPLETED"

    assert row.status == "COMPLETED"
    assert row.__dict__["status"] == "COMPLETED"  # the ORM's state dict holds it
    assert not inspect(row).modified  # no history kept: no session will ever flush this row
    assert "status" in row.model_fields_set
    assert row.model_dump(include={"status"}) == {"status": "COMPLETED"}


def test_an_assignment_to_a_constructed_row_goes_through_the_orm() -> None:
    configure_mappers()
    row = LiveCall(call_id="c-1", agent_name="A", customer_name="C", status="IN_PROGRESS")
    inspect(row)._commit_all(inspect(row).dict)  # as after a flush: nothing modified yet

    row.status = "COMPLETED"

    assert inspect(row).modified
    assert inspect(row).attrs.status.history.added == ["COMPLETED"]


def test_an_assignment_to_a_loaded_row_outside_its_columns_is_refused_as_pydantic_refuses_it() -> None:
    configure_mappers()
    row = loaded(LiveCall, {"id": 3, "call_id": "c-1"})

    with pytest.raises(ValueError, match="no field"):
        row.no_such_column = 1  # type: ignore[attr-defined]


def _sample(kind: TypeEngine[Any]) -> Any:
    for types, sample in SAMPLES:
        if isinstance(kind, types) or isinstance(getattr(kind, "impl_instance", None), types):
            return sample
    raise AssertionError(f"no sample value for a {kind!r} column: add one to SAMPLES")


async def test_every_columns_processors_match_those_of_a_connected_engine(tmp_path: Path) -> None:
    configure_mappers()
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'adapter.db'}", **COLUMN_CODEC)
    async with engine.connect():  # a connection initialises the engine's dialect
        pass
    await engine.dispose()
    differing = []
    for table in SQLModel.metadata.tables.values():
        assert isinstance(table, Table)
        for column in table.columns:
            impl = column.type.dialect_impl(engine.dialect)
            theirs = impl.bind_processor(engine.dialect), impl.result_processor(engine.dialect, None)
            ours = sqlite_processors(column.type, sqlite_dialect(**COLUMN_CODEC))
            sample = _sample(column.type)
            stored = [sample if into is None else into(sample) for into in (ours[0], theirs[0])]
            back = [
                value if out is None else out(value)
                for out, value in zip((ours[1], theirs[1]), stored, strict=True)
            ]
            if stored[0] != stored[1] or back != [sample, sample]:
                differing.append((f"{table.name}.{column.name}", stored, back))

    assert differing == []
