// The monitor page's entry point: wires the board, the call view, the connection and
// server status, and the supervisor's identity. `?call=ID` opens a call directly.

import { Alarm } from "./alarm.js";
import { Api, readToken, tokenClaims } from "./api.js";
import { Board } from "./board.js";
import { CallView } from "./call-view.js";
import { byId, h } from "./dom.js";

const HEALTH_POLL_MS = 10_000;
const STATUS_TEXT = {
  connecting: "connecting…",
  connected: "live",
  reconnecting: "reconnecting…",
  closed: "disconnected",
};

const token = readToken();
const api = new Api(token);

function notify(message, kind = "info") {
  const toast = h("div", { class: `toast ${kind}`, role: "status" }, message);
  byId("toasts").append(toast);
  setTimeout(() => toast.remove(), kind === "error" ? 8000 : 3500);
}

// With a token, the server records the token's subject and name on supervisor actions (and
// refuses another supervisorId); without one, the page keeps a local id and an editable name.
function supervisorIdentity(input, token) {
  const claims = token ? tokenClaims(token) : {};
  if (claims.sub) {
    input.value = claims.name || claims.sub;
    input.disabled = true;
    input.title = `signed in as ${claims.sub}${claims.role ? ` (${claims.role})` : ""}`;
    return { id: claims.sub, name: input.value };
  }
  let id = localStorage.getItem("livecalls.supervisorId");
  if (!id) {
    id = `sup-${Math.random().toString(36).slice(2, 10)}`;
    localStorage.setItem("livecalls.supervisorId", id);
  }
  input.value = localStorage.getItem("livecalls.supervisorName") || "Supervisor";
  input.addEventListener("change", () => localStorage.setItem("livecalls.supervisorName", input.value.trim()));
  return {
    id,
    get name() {
      return input.value.trim() || "Supervisor";
    },
  };
}

let connectedBefore = false;
let board;
const socket = api.socket((state, detail) => {
  const pill = byId("connection");
  pill.dataset.state = state;
  pill.textContent = STATUS_TEXT[state] ?? state;
  pill.title = detail ?? "";
  if (state === "connected") {
    pill.dataset.connections = Number(pill.dataset.connections ?? 0) + 1;
    // The board feed cannot resume: whatever changed while away is read again.
    if (connectedBefore) board.reload();
    connectedBefore = true;
  }
  if (state === "closed" && /^440[13]/.test(detail ?? "")) signedOut();
});

const alarm = new Alarm({ onOpen: (callId) => select(callId) });

// The server refused the token (or there is none): say how to sign in, and show no calls.
function signedOut() {
  byId("auth-help").hidden = false;
  board.signOut();
  view.signOut();
}

const view = new CallView({
  api,
  socket,
  supervisor: supervisorIdentity(byId("supervisor-name"), token),
  notify,
  alarm,
  onCall: (call) => board.put(call),
  onSignedOut: signedOut,
});

board = new Board({ api, socket, notify, alarm, onSelect: select, onSignedOut: signedOut });

function select(callId, { push = true } = {}) {
  board.select(callId);
  view.open(callId);
  if (push) {
    const url = new URL(location.href);
    url.searchParams.set("call", callId);
    history.pushState({ callId }, "", url);
  }
}

window.addEventListener("popstate", () => {
  const callId = new URL(location.href).searchParams.get("call");
  if (callId) select(callId, { push: false });
});

async function pollServer() {
  const pill = byId("server");
  try {
    const response = await fetch("/readyz", { cache: "no-store" });
    const body = await response.json();
    pill.dataset.state = response.ok ? "ok" : "down";
    pill.textContent = response.ok ? "server ready" : `server ${body.status}: ${(body.failed ?? []).join(", ")}`;
  } catch {
    pill.dataset.state = "down";
    pill.textContent = "server unreachable";
  }
}

board.reload();
pollServer();
setInterval(pollServer, HEALTH_POLL_MS);
const initial = new URL(location.href).searchParams.get("call");
if (initial) select(initial, { push: false });
