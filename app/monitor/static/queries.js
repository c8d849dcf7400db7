// The GraphQL documents the page sends. Field names are the API's (see schema.graphql).

const CALL = `fragment CallFields on LiveCall {
  callId agentName customerName customerPhone status startTime endTime duration currentPhase
  campaignId campaignName isRecording recordingStartTime agentGain customerGain currentSpeaker
  lastSequence pausedAt pausedBy
}`;
const LINE = `fragment LineFields on TranscriptEntry {
  order timestamp speaker text sentiment confidence isFinal segmentId
}`;
const PHASE = `fragment PhaseFields on CallPhase { phase status order startTime endTime quality }`;
const METRICS = `fragment MetricsFields on PerformanceMetrics {
  scriptAdherence agentConfidence conversationQuality prospectEngagement voiceEnergyLevel
  responseQuality questionFrequency interestSignals conversionProbability
  demoAcceptanceProbability immediateCloseProbability
}`;
const SENTIMENT = `fragment SentimentFields on SentimentAnalysis {
  positivePercentage neutralPercentage negativePercentage trend lastPositiveMoment lastNegativeMoment
}`;
const SYSTEM = `fragment SystemFields on CallSystemConfig {
  sipProvider sttProvider llmProvider ttsProvider sipStatus sttStatus llmStatus ttsStatus
  apiLatency errorRate queueDepth costPerMinute totalCost
}`;
const ACTION = `fragment ActionFields on SupervisorAction {
  order supervisorId supervisorName action details timestamp
}`;
const TIP = `fragment TipFields on CoachingRecommendation { type title description priority timestamp isActive }`;
const INSTRUCTION = `fragment InstructionFields on AgentInstruction {
  id kind text target priority source createdBy status detail createdAt deliveredAt acknowledgedAt
  sequence dueAt
}`;
const ATTENTION = `fragment AttentionFields on Attention { openAlerts critical warning info highestSeverity }`;
const ALERT = `fragment AlertFields on Alert {
  id callId ruleId ruleName severity status reason matched raisedAt
  acknowledgedAt acknowledgedBy resolvedAt resolvedBy note sequence
}`;
const BOARD_CALL = `fragment BoardCallFields on LiveCall {
  callId agentName customerName campaignName status startTime endTime duration currentPhase
  phases { phase status order startTime }
  attention { ...AttentionFields }
  sentiment { negativePercentage }
}
${ATTENTION}`;

export const TRANSCRIPT_PAGE = 1000;

export const LIVE_CALL = `query MonitorCall($callId: String!) {
  liveCall(callId: $callId) {
    ...CallFields
    objectives { objective status order }
    phases { ...PhaseFields }
    transcripts(first: ${TRANSCRIPT_PAGE}) { ...LineFields }
    performanceMetrics { ...MetricsFields }
    sentiment { ...SentimentFields }
    systemConfig { ...SystemFields }
    supervisorActions { ...ActionFields }
    coachingRecommendations { ...TipFields }
    instructions { ...InstructionFields }
    attention { ...AttentionFields }
    alerts { ...AlertFields }
  }
}
${CALL} ${LINE} ${PHASE} ${METRICS} ${SENTIMENT} ${SYSTEM} ${ACTION} ${TIP} ${INSTRUCTION} ${ATTENTION} ${ALERT}`;

export const MORE_TRANSCRIPT = `query MonitorTranscript($callId: String!, $after: Int!) {
  liveCall(callId: $callId) { transcripts(first: ${TRANSCRIPT_PAGE}, after: $after) { ...LineFields } }
}
${LINE}`;

export const CALL_EVENTS = `subscription MonitorEvents($callId: String!, $afterSequence: Int) {
  callEvents(callId: $callId, afterSequence: $afterSequence) {
    __typename sequence type occurredAt
    ... on CallStartedEvent { call { ...CallFields } }
    ... on CallStatusChangedEvent { previousStatus call { ...CallFields } }
    ... on TranscriptAddedEvent { transcript { ...LineFields } }
    ... on TranscriptUpdatedEvent { transcript { ...LineFields } }
    ... on SentimentUpdatedEvent { sentiment { ...SentimentFields } }
    ... on MetricsUpdatedEvent { metrics { ...MetricsFields } }
    ... on ProgressUpdatedEvent { call { ...CallFields } systemConfig { ...SystemFields } }
    ... on PhaseChangedEvent { call { ...CallFields } phases { ...PhaseFields } }
    ... on SupervisorActionAddedEvent { action { ...ActionFields } }
    ... on RecommendationAddedEvent { recommendation { ...TipFields } }
    ... on RecordingToggledEvent { call { ...CallFields } }
    ... on SystemStatusUpdatedEvent { systemConfig { ...SystemFields } }
    ... on ObjectiveUpdatedEvent { objective { objective status order } }
    ... on CallEndedEvent { call { ...CallFields } phases { ...PhaseFields } deactivatedRecommendations }
    ... on InstructionSentEvent { instruction { ...InstructionFields } }
    ... on InstructionDeliveredEvent { instruction { ...InstructionFields } }
    ... on InstructionAcknowledgedEvent { instruction { ...InstructionFields } }
    ... on AlertRaisedEvent { alert { ...AlertFields } }
    ... on AlertAcknowledgedEvent { alert { ...AlertFields } }
    ... on AlertResolvedEvent { alert { ...AlertFields } }
  }
}
${CALL} ${LINE} ${PHASE} ${METRICS} ${SENTIMENT} ${SYSTEM} ${ACTION} ${TIP} ${INSTRUCTION} ${ALERT}`;

// The board lists the calls that need a supervisor first (open CRITICAL alerts, then WARNING,
// then the most negative sentiment); board.js keeps that order as alert events arrive.
export const BOARD = `query MonitorBoard { liveCalls(first: 100, orderBy: ATTENTION) { ...BoardCallFields } }
${BOARD_CALL}`;

export const BOARD_FEED = `subscription MonitorBoardFeed { liveCalls { type sequence call { ...BoardCallFields } } }
${BOARD_CALL}`;

export const SUPERVISOR_ACTION = `mutation MonitorAction(
  $callId: String!, $supervisorId: String!, $supervisorName: String!,
  $action: SupervisorActionType!, $details: String
) {
  addSupervisorAction(callId: $callId, supervisorId: $supervisorId, supervisorName: $supervisorName,
                      action: $action, details: $details) { order action }
}`;

export const SEND_AGENT_INSTRUCTION = `mutation MonitorCoachAgent($callId: String!, $text: String!) {
  sendAgentInstruction(callId: $callId, text: $text) { ...InstructionFields }
}
${INSTRUCTION}`;

export const ACKNOWLEDGE_ALERT = `mutation MonitorAcknowledgeAlert($alertId: ID!) {
  acknowledgeAlert(alertId: $alertId) { ...AlertFields }
}
${ALERT}`;

export const RESOLVE_ALERT = `mutation MonitorResolveAlert($alertId: ID!, $note: String) {
  resolveAlert(alertId: $alertId, note: $note) { ...AlertFields }
}
${ALERT}`;
