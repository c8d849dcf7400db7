"""The GraphQL documents the benchmarks send, and a small HTTP client for them."""

import asyncio
import time
from typing import Any

import httpx2

START_CALL = """
mutation Start($callId: String!) {
  startLiveCall(callId: $callId, agentName: "Ada Agent", customerName: "Carl Customer",
                customerPhone: "+1 555 0100", campaignName: "Q4 Outbound",
                sessionId: "bench", campaignId: "bench") { callId lastSequence }
}
"""

ADD_LINE = """
mutation Line($callId: String!, $text: String!, $speaker: Speaker!, $sentiment: Sentiment) {
  addTranscriptEntry(callId: $callId, timestamp: "00:00:01", speaker: $speaker, text: $text,
                     sentiment: $sentiment, confidence: 0.93, isFinal: true) {
    order speaker text sentiment createdAt
  }
}
"""

SUBJECT = "bench"
"""The subject of the benchmark's token: a supervisor acts under their own id."""

ADD_ACTION = f"""
mutation Action($callId: String!) {{
  addSupervisorAction(callId: $callId, supervisorId: "{SUBJECT}", supervisorName: "Sue",
                      action: BOOKMARK_MOMENT, details: "bench") {{ order }}
}}
"""

ADD_RECOMMENDATION = """
mutation Tip($callId: String!) {
  addCoachingRecommendation(callId: $callId, type: SUGGESTION, title: "Ask about budget",
                            description: "The customer mentioned a budget review.", priority: 5) { title }
}
"""

LIVE_CALL = """
query Call($callId: String!, $first: Int!) {
  liveCall(callId: $callId) {
    callId agentName customerName customerPhone status startTime endTime duration
    currentPhase campaignId campaignName isRecording recordingStartTime agentGain
    customerGain currentSpeaker sipEndpoint sessionId createdAt updatedAt lastSequence
    objectives { objective status order }
    phases { phase status order startTime endTime quality }
    transcripts(first: $first) {
      order timestamp speaker text sentiment confidence isFinal segmentId createdAt
    }
    performanceMetrics {
      scriptAdherence agentConfidence conversationQuality prospectEngagement
      voiceEnergyLevel responseQuality questionFrequency interestSignals
      conversionProbability demoAcceptanceProbability immediateCloseProbability updatedAt
    }
    sentiment {
      positivePercentage neutralPercentage negativePercentage trend
      lastPositiveMoment lastNegativeMoment updatedAt
    }
    systemConfig {
      sipProvider sttProvider llmProvider ttsProvider sipStatus sttStatus llmStatus ttsStatus
      apiLatency errorRate queueDepth costPerMinute totalCost updatedAt
    }
    supervisorActions { order supervisorId supervisorName action details timestamp }
    coachingRecommendations { type title description priority timestamp isActive }
  }
}
"""

CALL_EVENTS = """
subscription Events($callId: String!) {
  callEvents(callId: $callId, afterSequence: 0) {
    sequence type occurredAt
    ... on TranscriptAddedEvent { transcript { order speaker text sentiment } }
    ... on SentimentUpdatedEvent { sentiment { positivePercentage trend } }
    ... on CallStatusChangedEvent { previousStatus call { status } }
    ... on CallEndedEvent { call { status endTime } }
  }
}
"""
"""What a supervisor's dashboard subscribes to (README's example); replays from the start."""

_SENTENCES = (
    "Thanks for taking the call today, do you have a minute?",
    "We are reviewing the budget next quarter, honestly.",
    "That sounds useful for the team.",
    "Could you send me the pricing in writing?",
)
_SENTIMENTS = ("POSITIVE", "NEUTRAL", "NEGATIVE", None)


def line(call_id: str, n: int) -> dict[str, Any]:
    """Variables for ``ADD_LINE``: the n-th line of a call, alternating speakers and sentiments."""
    return {
        "callId": call_id,
        "text": _SENTENCES[n % len(_SENTENCES)],
        "speaker": "AGENT" if n % 2 else "CUSTOMER",
        "sentiment": _SENTIMENTS[n % len(_SENTIMENTS)],
    }


def authorization(token: str | None) -> dict[str, str]:
    """The header (or connection_init payload) that carries a bearer token."""
    return {"Authorization": f"Bearer {token}"} if token else {}


class GraphQLError(RuntimeError):
    """The API answered with errors where the benchmark expected data."""


class Api:
    """GraphQL over HTTP/1.1 keep-alive connections to one server."""

    def __init__(self, url: str, token: str | None, *, connections: int = 32) -> None:
        self.url = url
        limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
        # No pool timeout: an overloaded server shows up as latency, not as a client error.
        self.client = httpx2.AsyncClient(
            timeout=httpx2.Timeout(120, pool=None), limits=limits, headers=authorization(token)
        )

    async def __aenter__(self) -> "Api":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post(self.url, json={"query": query, "variables": variables})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise GraphQLError(str(body["errors"]))
        data: dict[str, Any] = body["data"]
        return data

    async def timed(self, query: str, **variables: Any) -> tuple[float, dict[str, Any]]:
        """Seconds from sending the request to having parsed its response, and the data."""
        started = time.perf_counter()
        data = await self.data(query, **variables)
        return time.perf_counter() - started, data

    async def start_call(self, call_id: str) -> None:
        await self.data(START_CALL, callId=call_id)

    async def add_lines(self, call_id: str, count: int, *, start: int = 0, concurrency: int = 16) -> None:
        """Append ``count`` lines to a call from ``concurrency`` requests at a time."""
        numbers = iter(range(start, start + count))

        async def worker() -> None:
            for n in numbers:
                await self.data(ADD_LINE, **line(call_id, n))

        await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
