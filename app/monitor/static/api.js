// GraphQL over HTTP and over the WebSocket, both carrying the optional bearer token.
//
// The token comes from `?token=` (then kept in localStorage and removed from the address
// bar, so it does not linger in history or leak in a Referer) or from localStorage. It is
// sent as `Authorization: Bearer …` on HTTP and in the connection_init payload on the
// WebSocket, where a browser cannot set headers.

import { GraphQLSocket } from "./graphql-ws.js";

const TOKEN_KEY = "livecalls.token";
export const ENDPOINT = new URL("/graphql", location.href);

export function readToken() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl !== null) {
    if (fromUrl) localStorage.setItem(TOKEN_KEY, fromUrl);
    else localStorage.removeItem(TOKEN_KEY);
    url.searchParams.delete("token");
    history.replaceState(null, "", url);
  }
  return localStorage.getItem(TOKEN_KEY) || null;
}

/** The token's claims (sub, name, role…), read without verifying: the server verifies. */
export function tokenClaims(token) {
  try {
    const payload = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    return JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, "=")));
  } catch {
    return {};
  }
}

export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join("; "));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
    const wsUrl = new URL(ENDPOINT);
    wsUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    this.wsUrl = wsUrl.href;
  }

  authorization() {
    return this.token ? `Bearer ${this.token}` : null;
  }

  async request(query, variables = {}) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const authorization = this.authorization();
    if (authorization) headers.Authorization = authorization;
    const response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
    if (response.status === 401 || response.status === 403) {
      throw new GraphQLError([{ message: "not signed in", extensions: { code: "UNAUTHENTICATED" } }]);
    }
    const body = await response.json();
    if (body.errors?.length) throw new GraphQLError(body.errors);
    return body.data;
  }

  socket(onStatus) {
    return new GraphQLSocket({
      url: this.wsUrl,
      connectionParams: () => {
        const authorization = this.authorization();
        return authorization ? { Authorization: authorization } : {};
      },
      onStatus,
    });
  }
}
