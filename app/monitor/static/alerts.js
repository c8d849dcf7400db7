// The open call's alerts: raised by the server's rules, acknowledged and resolved by a
// supervisor here. The list comes with the liveCall query and moves with the call's
// ALERT_* events; an acknowledge or resolve shows its answer at once, and the event that
// follows finds the alert already in that state.

import { byId, h, label, timeOfDay } from "./dom.js";
import { ACKNOWLEDGE_ALERT, RESOLVE_ALERT } from "./queries.js";

export const SEVERITY_RANK = { CRITICAL: 3, WARNING: 2, INFO: 1 };
// An alert only moves forward; a late event never takes it back.
const STATUS_RANK = { OPEN: 0, ACKNOWLEDGED: 1, RESOLVED: 2 };

/** Open (not resolved) alerts first, the most severe first; then newest first. */
export function byUrgency(a, b) {
  const open = (alert) => alert.status !== "RESOLVED";
  return (
    open(b) - open(a) ||
    (open(a) ? SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] : 0) ||
    b.sequence - a.sequence
  );
}

export class AlertsPanel {
  constructor({ api, notify, onChange }) {
    this.api = api;
    this.notify = notify;
    this.onChange = onChange;
    this.alerts = new Map();
    this.list = byId("alerts");
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-testid]");
      const row = button?.closest("[data-alert-id]");
      if (row) this.act(button, this.alerts.get(row.dataset.alertId));
    });
  }

  load(alerts) {
    this.alerts = new Map(alerts.map((alert) => [alert.id, alert]));
    this.render();
  }

  put(alert) {
    const known = this.alerts.get(alert.id);
    if (known && STATUS_RANK[known.status] > STATUS_RANK[alert.status]) return;
    this.alerts.set(alert.id, alert);
    this.render();
  }

  get openCritical() {
    return [...this.alerts.values()].some((alert) => alert.severity === "CRITICAL" && alert.status !== "RESOLVED");
  }

  render() {
    const alerts = [...this.alerts.values()].sort(byUrgency);
    this.list.replaceChildren(...alerts.map((alert) => alertRow(alert)));
    const open = alerts.filter((alert) => alert.status !== "RESOLVED").length;
    byId("alerts-count").textContent = alerts.length ? `${open} open` : "";
    byId("alerts-empty").hidden = alerts.length > 0;
    this.onChange?.();
  }

  async act(button, alert) {
    const resolve = button.dataset.testid === "resolve-alert";
    const [query, verb] = resolve ? [RESOLVE_ALERT, "Resolve"] : [ACKNOWLEDGE_ALERT, "Acknowledge"];
    button.disabled = true;
    try {
      const data = await this.api.request(query, { alertId: alert.id });
      this.put(resolve ? data.resolveAlert : data.acknowledgeAlert);
    } catch (error) {
      button.disabled = false;
      this.notify(`${verb} failed: ${error.message}`, "error");
    }
  }
}

function alertRow(alert) {
  const severity = alert.severity.toLowerCase();
  const open = alert.status !== "RESOLVED";
  return h(
    "li",
    {
      class: `alert severity-${severity} ${alert.status.toLowerCase()} ${severity === "critical" && open ? "critical" : ""}`,
      dataset: { testid: "alert", alertId: alert.id, status: alert.status, severity: alert.severity },
    },
    h(
      "div",
      { class: "alert-head" },
      h("span", { class: `pill severity ${severity}` }, alert.severity),
      h("b", { class: "alert-rule" }, alert.ruleName),
      h("span", { class: "muted" }, timeOfDay(alert.raisedAt)),
    ),
    h("p", { class: "alert-reason" }, alert.reason),
    alert.matched && !alert.reason.includes(alert.matched)
      ? h("p", { class: "alert-matched muted" }, `“${alert.matched}”`)
      : null,
    h(
      "div",
      { class: "alert-foot" },
      h("span", { class: "alert-status", dataset: { testid: "alert-status" } }, who(alert)),
      h(
        "span",
        { class: "alert-buttons" },
        h(
          "button",
          { type: "button", dataset: { testid: "acknowledge-alert" }, disabled: alert.status !== "OPEN" },
          "Acknowledge",
        ),
        h("button", { type: "button", dataset: { testid: "resolve-alert" }, disabled: !open }, "Resolve"),
      ),
    ),
    alert.note ? h("p", { class: "alert-note muted" }, `Note: ${alert.note}`) : null,
  );
}

function who(alert) {
  if (alert.status === "RESOLVED") return by("Resolved", alert.resolvedBy, alert.resolvedAt);
  if (alert.status === "ACKNOWLEDGED") return by("Acknowledged", alert.acknowledgedBy, alert.acknowledgedAt);
  return label(alert.status);
}

function by(what, whom, when) {
  return [what, whom ? `by ${whom}` : null, when ? `at ${timeOfDay(when)}` : null].filter(Boolean).join(" ");
}
