// The supervisors' board: the liveCalls query, kept current by the liveCalls subscription
// (calls started, changing status, ended). The feed has no resume point, so the page
// reloads the list whenever the WebSocket reconnects.

import { byId, clock, h, label } from "./dom.js";
import { BOARD, BOARD_FEED } from "./queries.js";

export class Board {
  constructor({ api, socket, notify, onSelect }) {
    this.api = api;
    this.notify = notify;
    this.onSelect = onSelect;
    this.calls = new Map();
    this.selected = null;
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
        if (payload.data) this.put(payload.data.liveCalls.call);
      },
      error: (errors) => this.notify(`Board feed: ${errors[0]?.message}`, "error"),
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
      this.notify(`Could not load calls: ${error.message}`, "error");
    }
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
      .sort((a, b) => (a.status === "ENDED") - (b.status === "ENDED") || b.startTime.localeCompare(a.startTime));
    this.list.replaceChildren(...calls.map((call) => this.row(call)));
    const live = [...this.calls.values()].filter((call) => call.status !== "ENDED").length;
    byId("board-count").textContent = `${live} live`;
    byId("board-empty").hidden = calls.length > 0;
  }

  row(call) {
    return h(
      "li",
      {
        class: `board-row ${call.callId === this.selected ? "selected" : ""}`,
        dataset: { callId: call.callId, status: call.status },
        tabindex: 0,
      },
      h(
        "div",
        { class: "board-line" },
        h("b", {}, call.customerName),
        h("span", { class: "status", dataset: { status: call.status } }, label(call.status)),
      ),
      h(
        "div",
        { class: "board-line muted" },
        h("span", {}, `${call.agentName} · ${call.campaignName}`),
        h("span", { class: "elapsed", dataset: { start: call.startTime } }, elapsed(call)),
      ),
      h("div", { class: "board-line muted" }, call.currentPhase),
    );
  }

  tick() {
    for (const element of this.list.querySelectorAll(".elapsed")) {
      const call = this.calls.get(element.closest("[data-call-id]").dataset.callId);
      if (call) element.textContent = elapsed(call);
    }
  }
}

// Live calls count up from their start; an ended one shows the duration the pipeline reported.
function elapsed(call) {
  if (call.status === "ENDED" && call.duration) return clock(call.duration);
  const end = call.endTime ? new Date(call.endTime) : new Date();
  return clock((end - new Date(call.startTime)) / 1000);
}
