// A client for the graphql-transport-ws protocol (the one of the `graphql-ws` library),
// written by hand so the page needs no CDN and no build step.
//
// One WebSocket carries every subscription of the page. When the connection drops it
// reconnects with backoff and subscribes every live operation again, asking each for
// fresh variables, so a stream resumes where it left off (callEvents: afterSequence).
// Protocol: https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md

const PROTOCOL = "graphql-transport-ws";
// Close codes after which retrying cannot help (bad request, auth, duplicate id...).
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406, 4409, 4429]);
const ACK_TIMEOUT_MS = 10_000;
const IDLE_PING_MS = 30_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 10_000;

export class GraphQLSocket {
  /**
   * @param {object} options
   * @param {string} options.url ws:// or wss:// URL of the GraphQL endpoint
   * @param {() => object} [options.connectionParams] the connection_init payload (auth goes here)
   * @param {(status: string, detail?: string) => void} [options.onStatus]
   *   "connecting" | "connected" | "reconnecting" | "closed"
   */
  constructor({ url, connectionParams = () => ({}), onStatus = () => {} }) {
    this.url = url;
    this.connectionParams = connectionParams;
    this.onStatus = onStatus;
    this.operations = new Map();
    this.nextId = 1;
    this.retries = 0;
    this.acknowledged = false;
    this.closedForGood = false;
    this.timers = {};
    this.connect();
  }

  /**
   * Start a subscription. `variables` may be a function: it is called at every
   * (re)subscribe. Returns a function that stops the subscription.
   */
  subscribe({ query, variables = {}, next = () => {}, error = () => {}, complete = () => {} }) {
    const id = String(this.nextId++);
    const operation = { id, query, variables, next, error, complete };
    this.operations.set(id, operation);
    if (this.acknowledged) this.sendSubscribe(operation);
    return () => {
      if (!this.operations.delete(id)) return;
      if (this.acknowledged) this.send({ id, type: "complete" });
    };
  }

  close() {
    this.closedForGood = true;
    this.clearTimers();
    this.socket?.close(1000, "Normal Closure");
  }

  connect() {
    this.onStatus(this.retries ? "reconnecting" : "connecting");
    const socket = new WebSocket(this.url, PROTOCOL);
    this.socket = socket;
    socket.onopen = () => {
      this.send({ type: "connection_init", payload: this.connectionParams() });
      this.timers.ack = setTimeout(() => socket.close(4504, "Connection acknowledgement timeout"), ACK_TIMEOUT_MS);
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.closed(socket, event);
  }

  receive(raw) {
    let message;
    try {
      message = JSON.parse(raw);
    } catch {
      this.socket.close(4400, "Invalid JSON from server");
      return;
    }
    this.watchIdle();
    const operation = message.id !== undefined ? this.operations.get(message.id) : undefined;
    switch (message.type) {
      case "connection_ack":
        clearTimeout(this.timers.ack);
        this.acknowledged = true;
        this.retries = 0;
        this.onStatus("connected");
        for (const each of this.operations.values()) this.sendSubscribe(each);
        break;
      case "ping":
        this.send(message.payload ? { type: "pong", payload: message.payload } : { type: "pong" });
        break;
      case "pong":
        break;
      case "next":
        operation?.next(message.payload);
        break;
      case "error":
        if (operation) {
          this.operations.delete(message.id);
          operation.error(message.payload);
        }
        break;
      case "complete":
        if (operation) {
          this.operations.delete(message.id);
          operation.complete();
        }
        break;
      default:
        this.socket.close(4400, `Unexpected message type ${message.type}`);
    }
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.acknowledged = false;
    this.clearTimers();
    if (this.closedForGood) {
      this.onStatus("closed", "closed");
      return;
    }
    if (FATAL_CLOSE_CODES.has(event.code)) {
      this.closedForGood = true;
      this.onStatus("closed", `${event.code} ${event.reason || ""}`.trim());
      for (const operation of this.operations.values()) {
        operation.error([{ message: event.reason || "connection refused", extensions: { code: event.code } }]);
      }
      this.operations.clear();
      return;
    }
    // Exponential backoff with jitter, so a restarted server is not hit by every page at once.
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.retries) * (0.5 + Math.random() / 2);
    this.retries += 1;
    this.onStatus("reconnecting", `${event.code || ""} ${event.reason || ""}`.trim());
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  sendSubscribe(operation) {
    const variables = typeof operation.variables === "function" ? operation.variables() : operation.variables;
    this.send({ id: operation.id, type: "subscribe", payload: { query: operation.query, variables } });
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  // A connection silent for a while may be dead (a laptop slept, a proxy dropped it):
  // ping, and reconnect if no pong comes back.
  watchIdle() {
    clearTimeout(this.timers.idle);
    clearTimeout(this.timers.pong);
    this.timers.idle = setTimeout(() => {
      this.send({ type: "ping" });
      this.timers.pong = setTimeout(() => this.socket.close(4408, "No pong"), PONG_TIMEOUT_MS);
    }, IDLE_PING_MS);
  }

  clearTimers() {
    for (const timer of Object.values(this.timers)) clearTimeout(timer);
    this.timers = {};
  }
}
