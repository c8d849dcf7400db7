"""A call's final report as documents: JSON (also the webhook payload's data) and Markdown.

The JSON speaks the GraphQL API's language: camelCase keys, enum values by the API's
names (``IMPROVING``, ``IN_PROGRESS``, ``AGENT``) rather than the spec's stored strings,
and every timestamp in the API's DateTime form (ISO 8601, ``+00:00``). The Markdown is
for people and keeps plain words ("completed", "good").
"""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.analytics.models import CallAnalytics
from app.calls.enums import ObjectiveStatus, PhaseStatus, Quality, Sentiment, SentimentTrend, Speaker
from app.calls.models import LiveTranscript

# Snapshot fields that hold instants (stored snapshots write them with a "Z").
INSTANTS = frozenset(
    {
        "start_time",
        "end_time",
        "started_at",
        "ended_at",
        "timestamp",
        "updated_at",
        "last_positive_moment",
        "last_negative_moment",
    }
)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def instant(value: datetime | str | None) -> str | None:
    """An instant as the API's DateTime writes it."""
    if value is None:
        return None
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def _name(kind: type[StrEnum], value: str | None) -> str | None:
    """A stored value ("in-progress") as the API's enum name ("IN_PROGRESS")."""
    return None if value is None else kind(value).name


def _public(record: dict[str, Any], **enums: type[StrEnum]) -> dict[str, Any]:
    """A stored snapshot without its row ids, with camelCase keys, the API's enum names
    for the fields named in ``enums`` and the API's form of instants."""
    public: dict[str, Any] = {}
    for key, value in record.items():
        if key in ("id", "live_call_id"):
            continue
        if key in enums:
            value = _name(enums[key], value)
        elif key in INSTANTS:
            value = instant(value)
        public[_camel(key)] = value
    return public


def analytics_document(row: CallAnalytics) -> dict[str, Any]:
    return {
        "callId": row.call_id,
        "campaignId": row.campaign_id,
        "campaignName": row.campaign_name,
        "agentName": row.agent_name,
        "customerName": row.customer_name,
        "startTime": instant(row.start_time),
        "endTime": instant(row.end_time),
        "duration": row.duration,
        "elapsedSeconds": row.elapsed_seconds,
        "costPerMinute": row.cost_per_minute,
        "totalCost": row.total_cost,
        "sentiment": _public(row.sentiment, trend=SentimentTrend),
        "metrics": _public(row.metrics),
        "phases": [_public(phase, status=PhaseStatus, quality=Quality) for phase in row.phases],
        "objectives": {
            "total": row.objectives_total,
            "completed": row.objectives_completed,
            "missed": row.objectives_missed,
            "items": [_public(objective, status=ObjectiveStatus) for objective in row.objectives],
        },
        "transcriptLines": {"agent": row.agent_lines, "customer": row.customer_lines},
        "supervisorActions": dict(sorted(row.actions_by_type.items())),
        "bookmarks": [_public(action) for action in row.bookmarks],
        "flags": [_public(action) for action in row.flags],
    }


def _line(line: LiveTranscript) -> dict[str, Any]:
    return {
        "order": line.order,
        "timestamp": line.timestamp,
        "speaker": _name(Speaker, line.speaker),
        "text": line.text,
        "sentiment": _name(Sentiment, line.sentiment),
        "confidence": line.confidence,
        "isFinal": line.is_final,
    }


def report_document(row: CallAnalytics, lines: Sequence[LiveTranscript] | None) -> dict[str, Any]:
    """Analytics plus transcript; ``transcript`` is null once retention removed it."""
    return {
        "analytics": analytics_document(row),
        "transcript": [_line(line) for line in lines] if lines is not None else None,
    }


def _cell(value: Any) -> str:
    return "–" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def report_markdown(row: CallAnalytics, lines: Sequence[LiveTranscript] | None) -> str:
    """The same report for people: a summary, tables, then the transcript."""
    sentiment = row.sentiment
    out = [
        f"# Call report: {row.call_id}",
        "",
        f"- Agent: {row.agent_name}",
        f"- Customer: {row.customer_name}",
        f"- Campaign: {row.campaign_name}" + (f" ({row.campaign_id})" if row.campaign_id else ""),
        f"- Started: {instant(row.start_time)}",
        f"- Ended: {instant(row.end_time)}",
        f"- Duration: {row.duration:g} s (elapsed {row.elapsed_seconds:.0f} s)",
        f"- Cost: ${row.total_cost:.4f} at ${row.cost_per_minute:g}/min",
        f"- Sentiment: {sentiment['positive_percentage']}% positive, "
        f"{sentiment['neutral_percentage']}% neutral, {sentiment['negative_percentage']}% negative "
        f"({row.sentiment_trend})",
        f"- Conversion probability: {row.conversion_probability:g}%",
        f"- Objectives met: {row.objectives_completed} of {row.objectives_total}"
        f" ({row.objectives_missed} missed)",
        f"- Transcript lines: {row.agent_lines} agent, {row.customer_lines} customer",
        "",
        "## Phases",
        "",
        "| phase | status | seconds | quality |",
        "| --- | --- | --- | --- |",
        *(
            f"| {_cell(p['phase'])} | {p['status']} | {_cell(_seconds(p['seconds']))} "
            f"| {_cell(p['quality'])} |"
            for p in row.phases
        ),
        "",
        "## Objectives",
        "",
        *(
            f"- [{'x' if o['status'] == 'completed' else ' '}] {o['objective']} ({o['status']})"
            for o in row.objectives
        ),
        "",
        "## Supervisor actions",
        "",
        *(f"- {action}: {count}" for action, count in sorted(row.actions_by_type.items())),
        *(_highlight("Bookmark", action) for action in row.bookmarks),
        *(_highlight("Flag", action) for action in row.flags),
        *([] if row.actions_by_type else ["None."]),
        "",
        "## Transcript",
        "",
    ]
    if lines is None:
        out.append("_Removed by the retention policy; the summary above is kept._")
    else:
        for line in lines:
            mood = f" _({line.sentiment})_" if line.sentiment else ""
            interim = " _(interim)_" if not line.is_final else ""
            out.append(f"**[{line.timestamp}] {line.speaker.title()}:** {line.text}{mood}{interim}  ")
    return "\n".join(out) + "\n"


def _highlight(kind: str, action: dict[str, Any]) -> str:
    at, by = instant(action["timestamp"]), action["supervisor_name"]
    return f"- {kind} at {at} by {by}: {_cell(action['details'])}"


def _seconds(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"
