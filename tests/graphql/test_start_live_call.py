from tests.factories import Api


def test_start_live_call_opens_a_connecting_call_with_the_spec_defaults(api: Api) -> None:
    started = api.start_call("call-1", sipEndpoint="sip:agent@pbx")

    assert started["callId"] == "call-1"
    assert started["status"] == "CONNECTING"
    assert started["currentPhase"] == "Connecting"
    assert started["duration"] == 0
    assert started["isRecording"] is False
    assert (started["agentGain"], started["customerGain"]) == (50, 50)
    assert started["currentSpeaker"] is None
    assert started["sipEndpoint"] == "sip:agent@pbx"
    assert started["lastSequence"] == 1


def test_start_live_call_seeds_objectives_metrics_sentiment_phases_and_config(api: Api) -> None:
    api.start_call("call-1")

    call = api.live_call("call-1")

    assert [o["objective"] for o in call["objectives"]] == [
        "Identify decision makers in target companies",
        "Present value proposition effectively",
        "Handle common objections professionally",
        "Schedule qualified product demonstrations",
        "Maintain conversation flow and rapport",
    ]
    assert {o["status"] for o in call["objectives"]} == {"PENDING"}
    assert [(p["phase"], p["status"]) for p in call["phases"]] == [
        ("Opening", "ACTIVE"),
        ("Discovery", "PENDING"),
        ("Value Proposition", "PENDING"),
        ("Objection Handling", "PENDING"),
        ("Closing", "PENDING"),
    ]
    metrics = call["performanceMetrics"]
    assert metrics["scriptAdherence"] == 100
    assert metrics["agentConfidence"] == 85
    assert metrics["conversationQuality"] == 90
    assert metrics["prospectEngagement"] == 50
    assert metrics["voiceEnergyLevel"] == "MEDIUM"
    assert metrics["responseQuality"] == "GOOD"
    assert metrics["questionFrequency"] == "MEDIUM"
    assert metrics["interestSignals"] == "MODERATE"
    assert metrics["conversionProbability"] == 50
    assert metrics["demoAcceptanceProbability"] == 50
    assert metrics["immediateCloseProbability"] == 20
    sentiment = call["sentiment"]
    assert (sentiment["positivePercentage"], sentiment["neutralPercentage"]) == (33, 67)
    assert sentiment["negativePercentage"] == 0
    assert sentiment["trend"] == "STABLE"
    config = call["systemConfig"]
    assert (config["sipProvider"], config["sttProvider"]) == ("Telnyx", "Deepgram")
    assert (config["llmProvider"], config["ttsProvider"]) == ("OpenAI GPT-4", "ElevenLabs")
    assert (config["sipStatus"], config["sttStatus"]) == ("CONNECTED", "STREAMING")
    assert (config["llmStatus"], config["ttsStatus"]) == ("ACTIVE", "ACTIVE")
    assert config["costPerMinute"] == 0.0298
    assert config["totalCost"] == 0
    assert call["transcripts"] == []
