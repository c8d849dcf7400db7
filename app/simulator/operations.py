"""The mutations the simulator sends: the voice pipeline's and a supervisor's side of the API."""

START = """
mutation SimStart($callId: String!, $agentName: String!, $customerName: String!, $customerPhone: String!,
                  $campaignName: String!, $sessionId: String!, $campaignId: String, $sipEndpoint: String) {
  startLiveCall(callId: $callId, agentName: $agentName, customerName: $customerName,
                customerPhone: $customerPhone, campaignName: $campaignName, sessionId: $sessionId,
                campaignId: $campaignId, sipEndpoint: $sipEndpoint) { callId status }
}"""

STATUS = """
mutation SimStatus($callId: String!, $status: CallStatus!) {
  updateCallStatus(callId: $callId, status: $status) { status }
}"""

LINE = """
mutation SimLine($callId: String!, $timestamp: String!, $speaker: Speaker!, $text: String!,
                 $isFinal: Boolean!, $sentiment: Sentiment, $confidence: Float, $segmentId: String) {
  addTranscriptEntry(callId: $callId, timestamp: $timestamp, speaker: $speaker, text: $text,
                     isFinal: $isFinal, sentiment: $sentiment, confidence: $confidence,
                     segmentId: $segmentId) { order }
}"""

METRICS = """
mutation SimMetrics($callId: String!, $metrics: PerformanceMetricsInput!) {
  updatePerformanceMetrics(callId: $callId, metrics: $metrics) { updatedAt }
}"""

PROGRESS = """
mutation SimProgress($callId: String!, $duration: Float!, $agentGain: Float, $customerGain: Float) {
  updateCallProgress(callId: $callId, duration: $duration, agentGain: $agentGain,
                     customerGain: $customerGain) { status }
}"""

PHASE = """
mutation SimPhase($callId: String!, $phase: String!, $quality: Quality) {
  updateCallPhase(callId: $callId, phase: $phase, quality: $quality) { status currentPhase }
}"""

OBJECTIVE = """
mutation SimObjective($callId: String!, $status: ObjectiveStatus!, $order: Int, $objective: String) {
  updateCallObjective(callId: $callId, status: $status, order: $order, objective: $objective) { status }
}"""

COACH = """
mutation SimCoach($callId: String!, $type: RecommendationType!, $title: String!, $description: String!,
                  $priority: Int!) {
  addCoachingRecommendation(callId: $callId, type: $type, title: $title, description: $description,
                            priority: $priority) { title }
}"""

SUPERVISOR = """
mutation SimSupervisor($callId: String!, $supervisorId: String!, $supervisorName: String!,
                       $action: SupervisorActionType!, $details: String) {
  addSupervisorAction(callId: $callId, supervisorId: $supervisorId, supervisorName: $supervisorName,
                      action: $action, details: $details) { order }
}"""

SYSTEM = """
mutation SimSystem($callId: String!, $service: PipelineService!, $status: ServiceStatus!,
                   $latency: Float, $errorRate: Float) {
  updateSystemStatus(callId: $callId, service: $service, status: $status, latency: $latency,
                     errorRate: $errorRate) { updatedAt }
}"""

RECORDING = """
mutation SimRecording($callId: String!, $isRecording: Boolean!) {
  toggleRecording(callId: $callId, isRecording: $isRecording) { isRecording }
}"""

END = """
mutation SimEnd($callId: String!) { endLiveCall(callId: $callId) { status } }"""

CALL_STATUS = """
query SimCallStatus($callId: String!) { liveCall(callId: $callId) { status } }"""

INSTRUCTIONS = """
subscription SimInstructions($callId: String!, $afterSequence: Int) {
  agentInstructions(callId: $callId, afterSequence: $afterSequence) { id kind text target sequence }
}"""

ACKNOWLEDGE = """
mutation SimAcknowledge($instructionId: ID!, $outcome: InstructionOutcome!, $detail: String) {
  acknowledgeInstruction(instructionId: $instructionId, outcome: $outcome, detail: $detail) { status }
}"""
RULES = """
query SimRules { rules { id name campaignId } }"""

CREATE_RULE = """
mutation SimCreateRule($input: RuleInput!) { createRule(input: $input) { id name } }"""
