// The call's agent, supervised: a "Coach agent" control (sendAgentInstruction) and the
// instructions sent to the agent with how far each got (pending, delivered, applied…),
// kept current by the call's INSTRUCTION_* events.

import { byId, h, label, timeOfDay } from "./dom.js";
import { SEND_AGENT_INSTRUCTION } from "./queries.js";

const OPEN = new Set(["PENDING", "DELIVERED"]);
const OVERDUE_CHECK_MS = 2000;

export const INSTRUCTION_EVENTS = new Set([
  "InstructionSentEvent",
  "InstructionDeliveredEvent",
  "InstructionAcknowledgedEvent",
]);

export class AgentPanel {
  constructor({ api, notify }) {
    this.api = api;
    this.notify = notify;
    this.instructions = new Map();
    this.text = byId("coach-text");
    this.button = byId("coach-send");
    this.button.addEventListener("click", () => this.send());
    this.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.send();
    });
    // An instruction turns overdue with time alone, without an event.
    setInterval(() => this.instructions.size && this.render(), OVERDUE_CHECK_MS);
  }

  show(callId, instructions) {
    this.callId = callId;
    this.instructions = new Map(instructions.map((instruction) => [instruction.id, instruction]));
    this.render();
  }

  apply(event) {
    this.instructions.set(event.instruction.id, event.instruction);
    this.render();
  }

  setEnabled(enabled) {
    this.text.disabled = !enabled;
    this.button.disabled = !enabled;
  }

  async send() {
    const text = this.text.value.trim();
    if (!text || this.button.disabled) return;
    this.button.disabled = true;
    try {
      const data = await this.api.request(SEND_AGENT_INSTRUCTION, { callId: this.callId, text });
      const sent = data.sendAgentInstruction;
      if (!this.instructions.has(sent.id)) this.instructions.set(sent.id, sent);
      this.text.value = "";
      this.render();
      this.notify("Coach agent: sent", "ok");
    } catch (error) {
      this.notify(`Coach agent failed: ${error.message}`, "error");
    } finally {
      this.button.disabled = this.text.disabled;
    }
  }

  render() {
    const now = Date.now();
    const rows = [...this.instructions.values()].sort((a, b) => b.sequence - a.sequence);
    const overdue = rows.filter((row) => OPEN.has(row.status) && new Date(row.dueAt).getTime() <= now);
    byId("instructions").replaceChildren(
      ...rows.map((row) =>
        h(
          "li",
          {
            class: `instruction ${row.status.toLowerCase()} ${overdue.includes(row) ? "overdue" : ""}`,
            dataset: { testid: "instruction", status: row.status, kind: row.kind, id: row.id },
          },
          h("span", { class: "muted" }, timeOfDay(row.createdAt)),
          ` ${label(row.kind)}: ${row.text} `,
          h("span", { class: "pill instruction-status" }, label(row.status)),
          row.detail ? h("span", { class: "muted" }, ` — ${row.detail}`) : null,
        ),
      ),
    );
    byId("instructions-empty").hidden = rows.length > 0;
    const flag = byId("instructions-overdue");
    flag.hidden = overdue.length === 0;
    flag.textContent = `${overdue.length} overdue`;
  }
}
