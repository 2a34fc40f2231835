/**
 * Connection-flood probe (issue 23): one address opens many raw websockets to a node and never
 * sends socket.io's CONNECT. Prints how many upgrades the node took, how many it still holds
 * after its handshake timeout, and whether another user is served meanwhile.
 *
 *   node --conditions=rp-source --import tsx chaos/flood-connections.ts [--sockets 5000]
 *       [--per-ip 200] [--handshake-ms 10000]
 *
 * Loopback only: it starts its own node on 127.0.0.1 (the production limits unless the flags
 * say otherwise; `--per-ip 0` shows the handshake timeout alone) and stops it at the end.
 * Bounded in time: about the handshake timeout plus a few seconds.
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { RedPacketClient } from '@red-packet/sdk';
import { TokenService } from '../server/auth/tokens.js';
import { startNodeProcess } from '../test/helpers/node-process.js';
import { TEST_SECRET } from '../test/helpers/test-server.js';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '5000' },
    'per-ip': { type: 'string', default: '200' },
    'handshake-ms': { type: 'string', default: '10000' },
  },
});
const sockets = Number(values.sockets);
const handshakeMs = Number(values['handshake-ms']);
if (!Number.isInteger(sockets) || sockets < 1 || sockets > 20_000) throw new Error('--sockets: 1 to 20000');

const node = await startNodeProcess(
  {
    WS_MAX_PER_IP: String(Number(values['per-ip'])),
    WS_HANDSHAKE_TIMEOUT_MS: String(handshakeMs),
    WS_MAX_PER_USER: '10',
  },
  'flood',
);
/** The flood's source: another loopback address (Linux routes all of 127/8 to lo), so the
 * bystander below, from 127.0.0.1, is another client as far as the per-address cap goes. */
const FLOOD_FROM = '127.0.0.2';
const raw: WebSocket[] = [];
try {
  const wsUrl = `${node.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  let accepted = 0;
  let refused = 0;
  let open = 0;
  const started = Date.now();
  await Promise.all(
    Array.from(
      { length: sockets },
      () =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(wsUrl, { localAddress: FLOOD_FROM });
          raw.push(ws);
          const settle = (ok: boolean): void => {
            if (ok) accepted += 1;
            else refused += 1;
            resolve();
          };
          ws.once('open', () => {
            open += 1;
            ws.once('close', () => (open -= 1));
          });
          ws.once('message', () => settle(true));
          ws.once('unexpected-response', (_req, res) => {
            res.resume();
            settle(false);
          });
          ws.once('error', () => settle(false));
          setTimeout(() => settle(false), 5000).unref();
        }),
    ),
  );
  console.log(
    `flood: ${sockets} sockets from ${FLOOD_FROM} in ${Date.now() - started} ms: ` +
      `${accepted} upgrades taken, ${refused} refused; ${open} open`,
  );

  // Another user, from 127.0.0.1, meanwhile: connects and gets an answer.
  const tokens = new TokenService(TEST_SECRET);
  const other = new RedPacketClient({
    url: node.url,
    token: await tokens.sign({ userId: 'bystander', name: 'bystander', role: 'user' }),
  });
  const t0 = Date.now();
  let served = 'no';
  try {
    await other.connect();
    await other.request('time:sync', {});
    served = `yes (connect + time:sync in ${Date.now() - t0} ms)`;
  } catch (err) {
    served = `no (${err instanceof Error ? err.message : String(err)})`;
  }
  console.log(`flood: another user served during the flood: ${served}`);

  await new Promise((r) => setTimeout(r, handshakeMs + 1500));
  console.log(`flood: ${open} of the flood's sockets still open ${handshakeMs + 1500} ms later`);
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  for (const line of metrics.split('\n'))
    if (line.startsWith('rp_connections_refused_total')) console.log(`  ${line}`);
  other.close();
} finally {
  for (const ws of raw) ws.terminate();
  await node.stop();
}
