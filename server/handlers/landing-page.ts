import type { HttpResponse } from '../transport/http-types.js';

/**
 * The page at `/` when the web page has not been built (`npm run build:web`): what this
 * server is, how to reach it, and links to its health, readiness and metrics.
 */
export function landingResponse(storeKind: string, devTokens: boolean): HttpResponse {
  return { status: 200, contentType: 'text/html; charset=utf-8', body: landingPage(storeKind, devTokens) };
}

function landingPage(storeKind: string, devTokens: boolean): string {
  const dev = devTokens
    ? '<p>Dev tokens are <b>on</b>: <code>POST /v1/dev/token {"userId","name","role"}</code> returns a JWT.</p>'
    : '<p>Dev tokens are off: clients need a JWT signed with the server&#39;s <code>JWT_SECRET</code>.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Red-packet rain server</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{color:#c0392b}code{background:#f4f4f4;padding:0 .25rem}</style></head>
<body><h1>🧧 Red-packet rain server</h1>
<p>Running on the <b>${storeKind}</b> store. Clients connect with socket.io over WebSocket
(<code>transports: ['websocket']</code>) using the SDK in <code>shared/sdk</code>.</p>
${dev}
<ul><li><a href="/healthz">/healthz</a></li><li><a href="/readyz">/readyz</a></li><li><a href="/metrics">/metrics</a></li></ul>
<p>The web page is not built: run <code>npm run build:web</code> (or <code>npm start</code>, which builds it).</p>
<p>The protocol is described in <code>docs/protocol.md</code>.</p>
</body></html>`;
}
