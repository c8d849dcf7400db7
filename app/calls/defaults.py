"""What the spec seeds on every new call."""

from typing import Any

OBJECTIVES: tuple[str, ...] = (
    "Identify decision makers in target companies",
    "Present value proposition effectively",
    "Handle common objections professionally",
    "Schedule qualified product demonstrations",
    "Maintain conversation flow and rapport",
)

PHASES: tuple[str, ...] = (
    "Opening",
    "Discovery",
    "Value Proposition",
    "Objection Handling",
    "Closing",
)

INITIAL_PHASE_LABEL = "Connecting"

METRICS: dict[str, Any] = {
    "script_adherence": 100,
    "agent_confidence": 85,
    "conversation_quality": 90,
    "prospect_engagement": 50,
    "voice_energy_level": "MEDIUM",
    "response_quality": "GOOD",
    "question_frequency": "MEDIUM",
    "interest_signals": "MODERATE",
    "conversion_probability": 50,
    "demo_acceptance_probability": 50,
    "immediate_close_probability": 20,
}

SENTIMENT: dict[str, Any] = {
    "positive_percentage": 33,
    "neutral_percentage": 67,
    "negative_percentage": 0,
    "trend": "stable",
}

SYSTEM_CONFIG: dict[str, Any] = {
    "sip_provider": "Telnyx",
    "stt_provider": "Deepgram",
    "llm_provider": "OpenAI GPT-4",
    "tts_provider": "ElevenLabs",
    "sip_status": "connected",
    "stt_status": "streaming",
    "llm_status": "active",
    "tts_status": "active",
    "api_latency": 0,
    "error_rate": 0,
    "queue_depth": 0,
    "cost_per_minute": 0.0298,
    "total_cost": 0,
}
