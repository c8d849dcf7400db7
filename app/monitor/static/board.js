// The supervisors' board: the liveCalls query, kept current by the liveCalls subscription
// (calls started, changing status, ended, alerts raised, acknowledged, resolved). The feed
// has no resume point, so the page reloads the list whenever the WebSocket reconnects.
// Calls that need a supervisor come first, as liveCalls(orderBy: ATTENTION) lists them, and
// move up or down as alert events change their open alerts.

import { byId, clock, h, label } from "./dom.js";
import { phaseNow } from "./phases.js";
import { BOARD, BOARD_FEED } from "./queries.js";

const EMPTY = "No calls yet. Play one with ";
const SIGNED_OUT = "Sign in to see the calls.";

export class Board {
  constructor({ api, socket, notify, alarm, onSelect, onSignedOut }) {
    this.api = api;
    this.alarm = alarm;
    this.notify = notify;
    this.onSelect = onSelect;
    this.onSignedOut = onSignedOut;
    this.calls = new Map();
    this.selected = null;
    this.signedOut = false;
    this.list = byId("calls");
    this.showEnded = byId("show-ended");
    this.showEnded.addEventListener("change", () => this.render());
    this.list.addEventListener("click", (event) => {
      const row = event.target.closest("[data-call-id]");
      if (row) this.onSelect(row.dataset.callId);
    });
    socket.subscribe({
      query: BOARD_FEED,
      next: (payload) => {
        if (payload.data) this.event(payload.data.liveCalls);
      },
      error: (errors) => {
        const code = errors[0]?.extensions?.code;
        if (code === 4403 || code === 4401) this.onSignedOut();
        else this.notify(`Board feed: ${errors[0]?.message}`, "error");
      },
    });
    // Elapsed time of live calls moves every second without any event.
    setInterval(() => this.tick(), 1000);
  }

  async reload() {
    try {
      const data = await this.api.request(BOARD);
      for (const call of data.liveCalls) this.put(call, { render: false });
      this.render();
    } catch (error) {
      if (error.code === "UNAUTHENTICATED") this.onSignedOut();
      else this.notify(`Could not load calls: ${error.message}`, "error");
    }
  }

  // Without a valid token the board knows no calls: it says how to see them, not "0 live".
  signOut() {
    this.signedOut = true;
    this.calls.clear();
    this.render();
  }

  // A critical count that grows on ALERT_RAISED is a new CRITICAL alert on that call.
  event({ type, sequence, call }) {
    const before = this.calls.get(call.callId)?.attention?.critical ?? 0;
    this.put(call);
    if (type === "ALERT_RAISED" && (call.attention?.critical ?? 0) > before) this.alarm.critical(call.callId, sequence);
  }

  put(call, { render = true } = {}) {
    this.calls.set(call.callId, { ...this.calls.get(call.callId), ...call });
    if (render) this.render();
  }

  select(callId) {
    this.selected = callId;
    this.render();
  }

  render() {
    const calls = [...this.calls.values()]
      .filter((call) => this.showEnded.checked || call.status !== "ENDED" || call.callId === this.selected)
      .sort(byAttention);
    this.list.replaceChildren(...calls.map((call) => this.row(call)));
    this.alarm.showCalls(this.signedOut ? [] : [...this.calls.values()]);
    const live = [...this.calls.values()].filter((call) => call.status !== "ENDED").length;
    byId("board-count").textContent = this.signedOut ? "" : `${live} live`;
    const empty = byId("board-empty");
    empty.hidden = calls.length > 0;
    empty.dataset.state = this.signedOut ? "signed-out" : "empty";
    empty.replaceChildren(...(this.signedOut ? [SIGNED_OUT] : [EMPTY, h("code", {}, "python -m app simulate"), "."]));
  }

  row(call) {
    return h(
      "li",
      {
        class: `board-row ${call.callId === this.selected ? "selected" : ""} ${call.attention?.critical ? "critical" : ""}`,
        dataset: { callId: call.callId, status: call.status, severity: call.attention?.highestSeverity ?? "" },
        tabindex: 0,
      },
      h(
        "div",
        { class: "board-line" },
        h("b", {}, call.customerName),
        h(
          "span",
          { class: "board-tags" },
          badge(call.attention),
          h("span", { class: "status", dataset: { status: call.status } }, label(call.status)),
        ),
      ),
      h(
        "div",
        { class: "board-line muted" },
        h("span", {}, `${call.agentName} · ${call.campaignName}`),
        h("span", { class: "elapsed", dataset: { start: call.startTime } }, elapsed(call)),
      ),
      h("div", { class: "board-line muted", dataset: { testid: "board-phase" } }, phaseNow(call, call.phases)),
    );
  }

  tick() {
    for (const element of this.list.querySelectorAll(".elapsed")) {
      const call = this.calls.get(element.closest("[data-call-id]").dataset.callId);
      if (call) element.textContent = elapsed(call);
    }
  }
}

// Live calls before ended ones; then open CRITICAL alerts, open WARNING alerts, the most
// negative sentiment, and the newest first (the order of liveCalls(orderBy: ATTENTION)).
export function byAttention(a, b) {
  const count = (call, key) => call.attention?.[key] ?? 0;
  return (
    (a.status === "ENDED") - (b.status === "ENDED") ||
    count(b, "critical") - count(a, "critical") ||
    count(b, "warning") - count(a, "warning") ||
    (b.sentiment?.negativePercentage ?? 0) - (a.sentiment?.negativePercentage ?? 0) ||
    b.startTime.localeCompare(a.startTime)
  );
}

// The call's open alerts, coloured by the most severe; nothing while it has none.
function badge(attention) {
  if (!attention?.openAlerts) return null;
  const { openAlerts, critical, warning, info, highestSeverity } = attention;
  return h(
    "span",
    {
      class: `alert-badge ${highestSeverity.toLowerCase()}`,
      dataset: { testid: "alert-badge", severity: highestSeverity, count: openAlerts },
      title: `${openAlerts} open alert(s): ${critical} critical, ${warning} warning, ${info} info`,
    },
    `⚠ ${openAlerts}`,
  );
}

// Live calls count up from their start; an ended one shows the duration the pipeline reported.
function elapsed(call) {
  if (call.status === "ENDED" && call.duration) return clock(call.duration);
  const end = call.endTime ? new Date(call.endTime) : new Date();
  return clock((end - new Date(call.startTime)) / 1000);
}
