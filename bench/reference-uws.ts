/**
 * The transport limit, as a reference for the fan-out figures: a minimal uWebSockets.js
 * server that speaks just enough socket.io (engine.io open, CONNECT, acks to room:join,
 * pings) for the bench's wire clients, and publishes a `rain:drops` frame of the same shape
 * and size as the game server's to one topic, 20 times a second — one `app.publish` per tick,
 * nothing else. Run by bench/run.ts as a child process (IPC):
 *
 *   parent → { cmd: 'rain', seconds }   child → { done: true, ticks }
 *   child  → { port } once listening
 */
import { Packr, Unpackr } from 'msgpackr';
import uWS from 'uWebSockets.js';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const TOPIC = 'fan';
const OPEN = `0${JSON.stringify({ sid: 'ref', upgrades: [], pingInterval: 25_000, pingTimeout: 60_000, maxPayload: 1e6 })}`;

interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

const app = uWS.App();
app.ws('/socket.io/', {
  compression: uWS.DISABLED,
  idleTimeout: 120,
  maxBackpressure: 4 * 1024 * 1024,
  open: (ws) => {
    ws.send(OPEN, false);
  },
  message: (ws, message, isBinary) => {
    if (!isBinary) return; // "3" pongs
    const packet = unpackr.unpack(Buffer.from(message)) as Packet;
    if (packet.type === 0) {
      ws.send(packr.pack({ type: 0, nsp: '/', data: { sid: 'ref' } }), true);
    } else if (packet.type === 2 && packet.id !== undefined) {
      const [event] = packet.data as [string];
      if (event === 'room:join') ws.subscribe(TOPIC);
      ws.send(packr.pack({ id: packet.id, type: 3, data: [{ ok: true }], nsp: '/' }), true);
    }
  },
});

let tick = 0;
function publishTick(): void {
  tick += 1;
  const frame = packr.pack({
    type: 2,
    data: [
      'rain:drops',
      {
        rainId: 'rn_reference00000000000',
        serverTime: Date.now(),
        drops: [{ dropId: `dr_reference${String(tick).padStart(10, '0')}`, x: 0.5, ttlMs: 1000, shares: 1 }],
      },
    ],
    nsp: '/',
  });
  app.publish(TOPIC, frame, true);
}

process.on('message', (msg: { cmd: string; seconds: number }) => {
  if (msg.cmd !== 'rain') return;
  tick = 0;
  const total = msg.seconds * 20;
  const started = Date.now();
  const timer = setInterval(() => {
    publishTick();
    if (tick >= total || Date.now() - started > msg.seconds * 1000 + 5_000) {
      clearInterval(timer);
      process.send?.({ done: true, ticks: tick });
    }
  }, 50);
});

app.listen('127.0.0.1', 0, (token) => {
  if (!token) {
    process.send?.({ error: 'cannot listen' });
    process.exit(1);
  }
  process.send?.({ port: uWS.us_socket_local_port(token) });
});
