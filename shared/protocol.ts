/**
 * The wire protocol, in three parts: what clients see (protocol/views.ts), socket.io's typed
 * event maps (protocol/events.ts) and the HTTP API's bodies (protocol/http.ts).
 * docs/protocol.md is the prose for everything here.
 */
export type * from './protocol/views.js';
export type * from './protocol/events.js';
export type * from './protocol/http.js';
