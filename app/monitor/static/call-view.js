// One call, live: loaded with the liveCall query, then kept current by the callEvents
// subscription, resumed after the last event applied (afterSequence) whenever the
// stream or the connection is interrupted, so nothing is missed and nothing is twice.

import { AgentPanel, INSTRUCTION_EVENTS } from "./agent-panel.js";
import { AlertsPanel } from "./alerts.js";
import { byId, clock, h, label, meter, money, percent, timeOfDay } from "./dom.js";
import { phaseNow } from "./phases.js";
import { CALL_EVENTS, LIVE_CALL, MORE_TRANSCRIPT, SUPERVISOR_ACTION, TRANSCRIPT_PAGE } from "./queries.js";

const ACTIONS = [
  { action: "BOOKMARK_MOMENT", text: "Bookmark" },
  { action: "ADD_NOTE", text: "Add note" },
  { action: "FLAG_FOR_REVIEW", text: "Flag for review" },
  { action: "JOIN_CALL", text: "Join call" },
  { action: "TRANSFER_CALL", text: "Transfer", confirm: true },
  { action: "END_CALL", text: "End call", confirm: true, danger: true },
];
const SERVICES = [
  ["SIP", "sipProvider", "sipStatus"],
  ["STT", "sttProvider", "sttStatus"],
  ["LLM", "llmProvider", "llmStatus"],
  ["TTS", "ttsProvider", "ttsStatus"],
];
const SCORES = [
  ["Script adherence", "scriptAdherence"],
  ["Agent confidence", "agentConfidence"],
  ["Conversation quality", "conversationQuality"],
  ["Prospect engagement", "prospectEngagement"],
  ["Conversion probability", "conversionProbability"],
  ["Demo acceptance", "demoAcceptanceProbability"],
  ["Immediate close", "immediateCloseProbability"],
];
const RESUME_DELAY_MS = 1000;
const DETAILS_HINT = "Details for the action (optional)";
const ENDED_HINT = "The call has ended: no more actions";

export class CallView {
  constructor({ api, socket, supervisor, notify, alarm, onCall, onSignedOut }) {
    this.api = api;
    this.alarm = alarm;
    this.socket = socket;
    this.supervisor = supervisor;
    this.notify = notify;
    this.onCall = onCall;
    this.onSignedOut = onSignedOut;
    this.generation = 0;
    this.section = byId("call");
    this.transcript = byId("transcript");
    this.agent = new AgentPanel({ api, notify });
    // An open CRITICAL alert keeps the call's header red until it is resolved.
    this.alerts = new AlertsPanel({
      api,
      notify,
      onChange: () => this.section.classList.toggle("critical", this.alerts.openCritical),
    });
    this.renderActionButtons();
    this.setControls({ enabled: false });
  }

  // The call's panel shows only once a call is loaded; until then, or instead, a line of text.
  showPlaceholder(text) {
    const placeholder = byId("placeholder");
    placeholder.textContent = text;
    placeholder.hidden = false;
    this.section.hidden = true;
    this.setControls({ enabled: false });
  }

  async open(callId) {
    this.close();
    const generation = ++this.generation;
    this.callId = callId;
    this.section.dataset.state = "loading";
    this.showPlaceholder(`Opening ${callId}…`);
    let data;
    try {
      data = await this.api.request(LIVE_CALL, { callId });
    } catch (error) {
      if (generation !== this.generation) return;
      this.section.dataset.state = "failed";
      if (error.code === "UNAUTHENTICATED") {
        this.onSignedOut();
        return;
      }
      this.showPlaceholder(`Could not open ${callId}.`);
      this.notify(`Could not open ${callId}: ${error.message}`, "error");
      return;
    }
    if (generation !== this.generation) return;
    const call = data.liveCall;
    if (!call) {
      this.section.dataset.state = "missing";
      this.showPlaceholder(`No call ${callId}.`);
      this.notify(`No call ${callId}`, "error");
      return;
    }
    const { objectives, phases, transcripts, performanceMetrics, sentiment, systemConfig, alerts } = call;
    // The board keeps each call's attention current from its own feed: a copy loaded here
    // would go stale, and overwrite it, with the next change of the call.
    delete call.attention;
    delete call.alerts;
    this.state = {
      call,
      objectives,
      phases: new Map(phases.map((phase) => [phase.order, phase])),
      metrics: performanceMetrics,
      sentiment,
      system: systemConfig,
      actions: new Map(call.supervisorActions.map((action) => [action.order, action])),
      tips: call.coachingRecommendations,
    };
    this.lastSequence = call.lastSequence;
    this.agent.show(callId, call.instructions);
    this.lines = new Map();
    this.transcript.replaceChildren();
    for (const line of transcripts) this.putLine(line);
    this.alerts.load(alerts);
    if (transcripts.length === TRANSCRIPT_PAGE) await this.loadRestOfTranscript(generation);
    if (generation !== this.generation) return;
    byId("placeholder").hidden = true;
    this.section.hidden = false;
    this.renderAll();
    this.section.dataset.state = "live";
    this.transcript.scrollTop = this.transcript.scrollHeight;
    this.follow(generation);
  }

  close() {
    this.generation += 1;
    clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  // Without a valid token there is no call to show, and nothing to act on.
  signOut() {
    this.close();
    this.section.dataset.state = "signed-out";
    this.showPlaceholder("Sign in to watch a call.");
  }

  async loadRestOfTranscript(generation) {
    for (;;) {
      const after = Math.max(...this.lines.keys());
      const data = await this.api.request(MORE_TRANSCRIPT, { callId: this.callId, after });
      if (generation !== this.generation || !data.liveCall) return;
      const page = data.liveCall.transcripts;
      for (const line of page) this.putLine(line);
      if (page.length < TRANSCRIPT_PAGE) return;
    }
  }

  follow(generation) {
    const callId = this.callId;
    this.unsubscribe = this.socket.subscribe({
      query: CALL_EVENTS,
      // Called again at every reconnect: the stream resumes after the last event applied.
      variables: () => ({ callId, afterSequence: this.lastSequence }),
      next: (payload) => {
        if (generation !== this.generation) return;
        if (payload.errors?.length) this.interrupted(payload.errors, generation);
        else this.apply(payload.data.callEvents);
      },
      error: (errors) => this.interrupted(errors, generation),
      complete: () => {
        if (generation === this.generation && this.state.call.status !== "ENDED") this.resume(generation);
      },
    });
  }

  interrupted(errors, generation) {
    if (generation !== this.generation) return;
    const code = errors[0]?.extensions?.code;
    if (code === 4403 || code === 4401) {
      this.onSignedOut();
      return;
    }
    if (code === "NOT_FOUND") {
      this.notify(errors[0].message, "error");
      return;
    }
    this.notify(`Live updates interrupted (${code ?? errors[0]?.message}); resuming…`, "warning");
    this.resume(generation);
  }

  // SLOW_CONSUMER, SHUTTING_DOWN or an unexpected end: subscribe again after a pause.
  resume(generation) {
    if (this.resumeTimer || generation !== this.generation) return;
    this.unsubscribe?.();
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      if (generation === this.generation) this.follow(generation);
    }, RESUME_DELAY_MS);
  }

  apply(event) {
    if (event.sequence <= this.lastSequence) return;
    const state = this.state;
    switch (event.__typename) {
      case "CallStartedEvent":
      case "CallStatusChangedEvent":
      case "RecordingToggledEvent":
        this.setCall(event.call);
        break;
      case "TranscriptAddedEvent":
      case "TranscriptUpdatedEvent":
        this.putLine(event.transcript, { follow: true });
        break;
      case "SentimentUpdatedEvent":
        state.sentiment = event.sentiment;
        this.renderSentiment();
        break;
      case "MetricsUpdatedEvent":
        state.metrics = event.metrics;
        this.renderMetrics();
        break;
      case "ProgressUpdatedEvent":
        state.system = event.systemConfig;
        this.setCall(event.call);
        this.renderHealth();
        break;
      case "PhaseChangedEvent":
        this.putPhases(event.phases);
        this.setCall(event.call);
        break;
      case "SupervisorActionAddedEvent":
        state.actions.set(event.action.order, event.action);
        this.renderActionLog();
        break;
      case "RecommendationAddedEvent":
        state.tips.push(event.recommendation);
        this.renderCoaching();
        break;
      case "SystemStatusUpdatedEvent":
        state.system = event.systemConfig;
        this.renderHealth();
        break;
      case "ObjectiveUpdatedEvent":
        state.objectives = state.objectives.map((objective) =>
          objective.order === event.objective.order ? event.objective : objective,
        );
        this.renderObjectives();
        break;
      case "CallEndedEvent":
        this.putPhases(event.phases);
        for (const tip of state.tips) tip.isActive = false;
        this.renderCoaching();
        this.setCall(event.call);
        break;
      case "AlertRaisedEvent":
        this.alerts.put(event.alert);
        if (event.alert.severity === "CRITICAL") this.alarm.critical(this.callId, event.alert.sequence);
        break;
      case "AlertAcknowledgedEvent":
      case "AlertResolvedEvent":
        this.alerts.put(event.alert);
        break;
      default:
        if (INSTRUCTION_EVENTS.has(event.__typename)) this.agent.apply(event);
        break; // else a kind of event this page does not show (yet)
    }
    this.lastSequence = event.sequence;
    byId("last-sequence").textContent = this.lastSequence;
  }

  setCall(call) {
    this.state.call = { ...this.state.call, ...call };
    this.renderHeader();
    this.onCall({ ...this.state.call, phases: [...this.state.phases.values()] });
  }

  putPhases(phases) {
    for (const phase of phases) this.state.phases.set(phase.order, phase);
    this.renderPhases();
  }

  putLine(line, { follow = false } = {}) {
    const atBottom = this.transcript.scrollHeight - this.transcript.scrollTop - this.transcript.clientHeight < 40;
    const element = lineElement(line);
    const existing = this.lines.get(line.order);
    if (existing) {
      existing.replaceWith(element);
    } else {
      const later = [...this.lines.keys()].filter((order) => order > line.order);
      const before = later.length ? this.lines.get(Math.min(...later)) : null;
      this.transcript.insertBefore(element, before);
    }
    this.lines.set(line.order, element);
    byId("transcript-empty").hidden = this.lines.size > 0;
    if (follow && atBottom) this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  renderAll() {
    this.renderHeader();
    this.renderPhases();
    this.renderSentiment();
    this.renderMetrics();
    this.renderHealth();
    this.renderCoaching();
    this.renderActionLog();
    this.renderObjectives();
    byId("transcript-empty").hidden = this.lines.size > 0;
    byId("call-id").textContent = this.callId;
    byId("last-sequence").textContent = this.lastSequence;
  }

  renderHeader() {
    const call = this.state.call;
    this.section.dataset.status = call.status;
    byId("call-title").textContent = call.customerName;
    byId("call-subtitle").textContent = [call.customerPhone, `agent ${call.agentName}`, call.campaignName]
      .filter(Boolean)
      .join(" · ");
    const status = byId("call-status");
    status.textContent = label(call.status);
    status.dataset.status = call.status;
    const ended = call.status === "ENDED";
    // isRecording keeps its last value after the hang-up; nothing is being recorded any more.
    byId("call-recording").hidden = !call.isRecording || ended;
    const paused = byId("call-paused");
    paused.hidden = !call.pausedAt || ended;
    paused.title = call.pausedBy ? `Paused by ${call.pausedBy}: lines keep their speaker, not their text` : "";
    byId("call-duration").textContent = clock(call.duration);
    byId("call-cost").textContent = money(this.state.system.totalCost);
    this.renderPhaseName();
    byId("speaker").textContent = call.currentSpeaker ? `${label(call.currentSpeaker)} speaking` : "";
    this.setControls({ enabled: !ended, ended });
  }

  renderPhaseName() {
    byId("call-phase").textContent = phaseNow(this.state.call, this.state.phases.values());
  }

  setControls({ enabled, ended = false }) {
    for (const button of byId("actions").querySelectorAll("button")) button.disabled = !enabled;
    const details = byId("action-details");
    details.disabled = !enabled;
    details.placeholder = ended ? ENDED_HINT : DETAILS_HINT;
    this.agent.setEnabled(enabled);
  }

  renderPhases() {
    this.renderPhaseName();
    const phases = [...this.state.phases.values()].sort((a, b) => a.order - b.order);
    byId("phases").replaceChildren(
      ...phases.map((phase) =>
        h(
          "li",
          { class: `phase ${phase.status.toLowerCase()}`, dataset: { phase: phase.phase, status: phase.status } },
          h("span", { class: "phase-name" }, phase.phase),
          h("span", { class: "phase-detail" }, phaseDetail(phase)),
        ),
      ),
    );
  }

  renderSentiment() {
    const s = this.state.sentiment;
    const arrows = { IMPROVING: "↗ improving", STABLE: "→ stable", DECLINING: "↘ declining" };
    const trend = byId("sentiment-trend");
    trend.textContent = arrows[s.trend] ?? label(s.trend);
    trend.dataset.trend = s.trend;
    byId("sentiment").replaceChildren(
      h(
        "div",
        { class: "sentiment-bar" },
        ...[
          ["positive", s.positivePercentage],
          ["neutral", s.neutralPercentage],
          ["negative", s.negativePercentage],
        ].map(([kind, value]) =>
          h("span", { class: `slice ${kind}`, style: { flexGrow: String(value) }, title: `${kind} ${value}%` }),
        ),
      ),
      h(
        "div",
        { class: "sentiment-legend" },
        h("span", { class: "positive" }, `${s.positivePercentage}% positive`),
        h("span", { class: "neutral" }, `${s.neutralPercentage}% neutral`),
        h("span", { class: "negative" }, `${s.negativePercentage}% negative`),
      ),
    );
  }

  renderMetrics() {
    const m = this.state.metrics;
    byId("metrics").replaceChildren(
      ...SCORES.map(([name, key]) =>
        h("div", { class: "metric", dataset: { metric: key } }, h("span", {}, name), meter(m[key]), h("b", {}, percent(m[key]))),
      ),
      h(
        "div",
        { class: "chips" },
        h("span", { class: "chip" }, `Energy ${label(m.voiceEnergyLevel)}`),
        h("span", { class: "chip" }, `Answers ${label(m.responseQuality)}`),
        h("span", { class: "chip" }, `Questions ${label(m.questionFrequency)}`),
        h("span", { class: "chip" }, `Interest ${label(m.interestSignals)}`),
      ),
    );
  }

  renderHealth() {
    const s = this.state.system;
    byId("health").replaceChildren(
      ...SERVICES.map(([name, provider, status]) =>
        h(
          "div",
          { class: "service", dataset: { service: name, status: s[status] } },
          h("b", {}, name),
          h("span", { class: "muted" }, s[provider]),
          h("span", { class: `pill service-${s[status].toLowerCase()}` }, label(s[status])),
        ),
      ),
      h(
        "div",
        { class: "chips" },
        h("span", { class: "chip" }, `Latency ${Math.round(s.apiLatency)} ms`),
        h("span", { class: "chip" }, `Errors ${(s.errorRate * 100).toFixed(1)}%`),
        h("span", { class: "chip" }, `Queue ${s.queueDepth}`),
        h("span", { class: "chip" }, `${money(s.costPerMinute)}/min`),
      ),
    );
    byId("call-cost").textContent = money(s.totalCost);
  }

  renderCoaching() {
    const tips = [...this.state.tips].sort((a, b) => b.isActive - a.isActive || b.priority - a.priority);
    byId("coaching").replaceChildren(
      ...tips.map((tip) =>
        h(
          "li",
          { class: `tip ${tip.type.toLowerCase()} ${tip.isActive ? "" : "inactive"}` },
          h("b", {}, tip.title),
          h("span", { class: "priority", title: "priority" }, `P${tip.priority}`),
          h("p", {}, tip.description),
        ),
      ),
    );
    byId("coaching-empty").hidden = tips.length > 0;
  }

  renderActionLog() {
    const actions = [...this.state.actions.values()].sort((a, b) => b.order - a.order);
    byId("action-log").replaceChildren(
      ...actions.map((action) =>
        h(
          "li",
          { dataset: { action: action.action } },
          h("span", { class: "muted" }, timeOfDay(action.timestamp)),
          ` ${action.supervisorName}: ${label(action.action)}`,
          action.details ? h("span", { class: "muted" }, ` — ${action.details}`) : null,
        ),
      ),
    );
  }

  renderObjectives() {
    byId("objectives").replaceChildren(
      ...this.state.objectives.map((objective) =>
        h(
          "li",
          { dataset: { status: objective.status, order: objective.order } },
          h("span", { class: "objective-text" }, objective.objective),
          h("span", { class: "pill objective-status" }, label(objective.status)),
        ),
      ),
    );
  }

  renderActionButtons() {
    byId("actions").replaceChildren(
      ...ACTIONS.map((spec) =>
        h("button", { type: "button", class: spec.danger ? "danger" : "", dataset: { action: spec.action } }, spec.text),
      ),
    );
    byId("actions").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (button) this.act(button, ACTIONS.find((spec) => spec.action === button.dataset.action));
    });
  }

  // Transfer and end take a second click within a few seconds (no blocking confirm() dialog).
  async act(button, spec) {
    if (spec.confirm && button.dataset.armed !== "true") {
      button.dataset.armed = "true";
      button.textContent = `Confirm ${spec.text.toLowerCase()}?`;
      setTimeout(() => {
        button.dataset.armed = "false";
        button.textContent = spec.text;
      }, 4000);
      return;
    }
    button.dataset.armed = "false";
    button.textContent = spec.text;
    const details = byId("action-details");
    button.disabled = true;
    try {
      await this.api.request(SUPERVISOR_ACTION, {
        callId: this.callId,
        supervisorId: this.supervisor.id,
        supervisorName: this.supervisor.name,
        action: spec.action,
        details: details.value.trim() || null,
      });
      details.value = "";
      this.notify(`${spec.text}: done`, "ok");
    } catch (error) {
      this.notify(`${spec.text} failed: ${error.message}`, "error");
    } finally {
      if (this.state?.call.status !== "ENDED") button.disabled = false;
    }
  }
}

function lineElement(line) {
  const kind = line.speaker === "AGENT" ? "agent" : "customer";
  return h(
    "div",
    {
      class: `line ${kind} ${line.isFinal ? "final" : "interim"}`,
      dataset: { order: line.order, final: line.isFinal, speaker: line.speaker },
    },
    h(
      "div",
      { class: "line-meta" },
      h("b", {}, label(line.speaker)),
      h("span", { class: "muted" }, line.timestamp),
      line.sentiment ? h("span", { class: `chip ${line.sentiment.toLowerCase()}` }, label(line.sentiment)) : null,
      line.confidence != null ? h("span", { class: "muted" }, percent(line.confidence * 100)) : null,
      line.isFinal ? null : h("span", { class: "muted" }, "…"),
    ),
    h("p", { class: "line-text" }, ...withRedactions(line.text)),
  );
}

// What redaction put in a line ([CREDIT_DEBIT_NUMBER], •••• 1111, [paused]) stands out from speech.
const REDACTED = /\[[A-Z_]+\]|\[paused\]|•••• \d{4}/g;

function withRedactions(text) {
  const parts = [];
  let cursor = 0;
  for (const match of text.matchAll(REDACTED)) {
    if (match.index > cursor) parts.push(text.slice(cursor, match.index));
    const kind = match[0] === "[paused]" ? "paused" : "redacted";
    const title = kind === "paused" ? "Said while recording was paused" : "Redacted: sensitive data";
    parts.push(h("mark", { class: kind, title }, match[0]));
    cursor = match.index + match[0].length;
  }
  if (cursor < text.length) parts.push(text.slice(cursor));
  return parts;
}

function phaseDetail(phase) {
  if (phase.status === "COMPLETED") {
    const seconds = phase.startTime && phase.endTime ? (new Date(phase.endTime) - new Date(phase.startTime)) / 1000 : null;
    return [seconds != null ? clock(seconds) : null, phase.quality ? label(phase.quality) : null].filter(Boolean).join(" · ");
  }
  return phase.status === "ACTIVE" ? "now" : "";
}
