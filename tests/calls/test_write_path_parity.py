"""Every mutation leaves the same records and the same event log over either store.

One scripted call, with retries, replaced interim lines and refused requests,
runs through the API twice: with SQLite's group commit (plain SQL) and with it
off (the ORM, as on PostgreSQL). Apart from times, what each leaves behind, the
call, its analytics and its whole event log, is the same.
"""

import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.factories import Api
from tests.post_call import create_campaign

ANALYTICS = """
query($c: String!) { callAnalytics(callId: $c) { callId agentLines customerLines totalCost objectivesCompleted
  supervisorActions { action count } phases { phase status quality } } }
"""
LOG = "SELECT seq, type, payload FROM call_events ORDER BY live_call_id, seq"
TIME = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?")


ACT = 'addSupervisorAction(callId: "c", supervisorId: "s", supervisorName: "S", action: {}) {{ order }}'
SCRIPT = (
    'updateCallStatus(callId: "c", status: CONNECTED) { status }',
    'addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: "Hi", isFinal: false,'
    ' segmentId: "s") { order text }',
    'addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: "Hi, Carl", isFinal: true,'
    ' segmentId: "s", sentiment: POSITIVE) { order text }',
    'addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: "late", isFinal: false,'
    ' segmentId: "s") { order }',
    'addTranscriptEntry(callId: "c", timestamp: "2", speaker: CUSTOMER, text: "Budget?", isFinal: true,'
    ' sentiment: NEGATIVE, idempotencyKey: "k1") { order }',
    'addTranscriptEntry(callId: "c", timestamp: "2", speaker: CUSTOMER, text: "Budget?", isFinal: true,'
    ' sentiment: NEGATIVE, idempotencyKey: "k1") { order }',
    'updatePerformanceMetrics(callId: "c", metrics: {scriptAdherence: 71, voiceEnergyLevel: HIGH})'
    " { scriptAdherence voiceEnergyLevel }",
    'updateCallProgress(callId: "c", duration: 95, agentGain: 40) { duration }',
    'updateSystemStatus(callId: "c", service: LLM, status: ERROR, latency: 900) { llmStatus }',
    'updateCallPhase(callId: "c", phase: "Discovery", quality: GOOD) { currentPhase }',
    'updateCallPhase(callId: "c", phase: "Nowhere") { currentPhase }',
    'toggleRecording(callId: "c", isRecording: true) { isRecording }',
    'updateCallStatus(callId: "c", status: RINGING) { status }',
    'updateCallObjective(callId: "c", status: IN_PROGRESS, order: 0) { status }',
    'updateCallObjective(callId: "c", status: COMPLETED, order: 0) { status }',
    ACT.format("BOOKMARK_MOMENT"),
    ACT.format("TRANSFER_CALL"),
    'addCoachingRecommendation(callId: "c", type: WARNING, title: "Slow down", description: "d", priority: 7,'
    ' idempotencyKey: "r1") { title isActive }',
    'sendAgentInstruction(callId: "c", text: "Offer the trial", priority: 6) { id kind status }',
    'addSupervisorAction(callId: "c", supervisorId: "s", supervisorName: "S", action: JOIN_CALL,'
    ' details: "mode: whisper") { order }',
    'acknowledgeInstruction(instructionId: "1", outcome: APPLIED, detail: "ok") { id status detail }',
    'acknowledgeInstruction(instructionId: "1", outcome: APPLIED) { id status detail }',
    'acknowledgeInstruction(instructionId: "1", outcome: FAILED) { status }',
    ACT.format("END_CALL"),
    'addTranscriptEntry(callId: "c", timestamp: "3", speaker: CUSTOMER, text: "Bye", isFinal: true)'
    " { order }",
    'updateCallProgress(callId: "c", duration: 99) { duration }',
    'endLiveCall(callId: "c") { status }',
)


def _script(api: Api) -> list[Any]:
    """Every call mutation in turn, and their answers, refusals included."""
    create_campaign(api, "cmp")
    api.start_call("c", campaignId="cmp")
    answers: list[Any] = [api.execute(f"mutation {{ {mutation} }}") for mutation in SCRIPT]
    answers.append(api.data(ANALYTICS, c="c"))
    answers.append(api.live_call("c"))
    return answers


def _run(migrated: Path, tmp: Path, group: bool) -> tuple[str, str]:
    path = tmp / f"{'group' if group else 'orm'}.db"
    shutil.copyfile(migrated, path)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}", auth_disabled=True, sqlite_group_commit=group
    )
    with TestClient(create_app(settings)) as client:
        assert (client.app.state.services.db.sqlite_writer is not None) is group  # type: ignore[attr-defined]
        answers = _script(Api(client))
    with sqlite3.connect(path) as connection:
        log = [(seq, kind, json.loads(payload)) for seq, kind, payload in connection.execute(LOG)]
    return _timeless(answers), _timeless(log)


def _timeless(value: Any) -> str:
    """The value with every time masked and every mapping's keys sorted."""
    return TIME.sub("<time>", json.dumps(value, sort_keys=True))


def test_both_stores_answer_alike_and_leave_the_same_records_and_log(
    settings: Settings, migrated_sqlite: Path, tmp_path: Path
) -> None:
    if not settings.is_sqlite:
        pytest.skip("the stores differ only on SQLite; PostgreSQL runs the ORM store")

    (group_answers, group_log), (orm_answers, orm_log) = (
        _run(migrated_sqlite, tmp_path, group) for group in (True, False)
    )

    assert group_answers == orm_answers
    assert group_log == orm_log
    assert "TRANSCRIPT_UPDATED" in group_log and "CALL_ENDED" in group_log
