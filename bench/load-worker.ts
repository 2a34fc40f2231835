/**
 * One load-generator thread: holds many SDK connections and runs what the orchestrator asks
 * (bench/run.ts). Work is kept minimal per message: timestamps and counters, no logging.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { TokenService } from '../server/auth/tokens.js';
import { leanParser } from './lean-parser.js';

/** Just enough client for the load: acked requests and the wanted events. */
class LeanClient {
  constructor(private readonly socket: Socket) {}

  async request(event: string, payload: unknown): Promise<Record<string, unknown>> {
    const ack = (await this.socket.timeout(60_000).emitWithAck(event, payload)) as {
      ok: boolean;
      error?: { code: string };
    };
    if (!ack.ok) throw Object.assign(new Error(ack.error?.code ?? 'ERROR'), { code: ack.error?.code });
    return ack;
  }

  grab(packetId: string): Promise<Record<string, unknown>> {
    return this.request('packet:grab', { packetId });
  }

  on(event: string, listener: (payload: { id: string; serverTime: number }) => void): () => void {
    this.socket.on(event, listener);
    return () => this.socket.off(event, listener);
  }

  close(): void {
    this.socket.disconnect();
  }
}

interface Data {
  index: number;
  url: string;
  count: number;
  room: string;
  secret: string;
}

const data = workerData as Data;
const tokens = new TokenService(data.secret);
const clients: LeanClient[] = [];
const now = (): number => performance.timeOrigin + performance.now();

type Command =
  | { cmd: 'connect' }
  | { cmd: 'grabAll'; packetIds: string[] }
  | { cmd: 'armAlloc' }
  | { cmd: 'allocResult' }
  | { cmd: 'armFanout' }
  | { cmd: 'fanoutResult' }
  | { cmd: 'close' };

let alloc = {
  firstSeen: Infinity,
  lastWin: 0,
  wins: 0,
  done: [] as Promise<void>[],
  refusals: {} as Record<string, number>,
};
/** Resolves when every client of this thread has seen the packet. */
let allSeen: Promise<void> = Promise.resolve();
let markSeen: () => void = () => undefined;
let fanout = { messages: 0, lags: [] as number[] };
const offs: (() => void)[] = [];

/** The events this thread must see; every other broadcast is dropped undecoded. */
const WANTED = ['packet:created', 'rain:drops'];

async function connect(): Promise<void> {
  const batch = 100;
  for (let i = 0; i < data.count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, data.count - i) }, async (_, j) => {
        const userId = `b${data.index}-${i + j}`;
        const token = await tokens.sign({ userId, name: userId, role: 'user' });
        const socket = io(data.url, {
          transports: ['websocket'],
          auth: { token },
          parser: leanParser(WANTED),
          reconnection: false,
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const c = new LeanClient(socket);
        await c.request('room:join', { roomId: data.room });
        clients.push(c);
      }),
    );
  }
}

async function grabAll(packetIds: string[]): Promise<{ ok: number; failed: number; latencies: number[] }> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  await Promise.all(
    clients.map(async (c) => {
      for (const id of packetIds) {
        const t = performance.now();
        try {
          await c.grab(id);
          ok += 1;
          latencies.push(performance.now() - t);
        } catch {
          failed += 1;
        }
      }
    }),
  );
  return { ok, failed, latencies };
}

function armAlloc(): void {
  alloc = { firstSeen: Infinity, lastWin: 0, wins: 0, done: [], refusals: {} };
  let seen = 0;
  allSeen = new Promise((resolve) => {
    markSeen = () => {
      seen += 1;
      if (seen === clients.length) resolve();
    };
  });
  for (const c of clients) {
    offs.push(
      c.on('packet:created', (p) => {
        alloc.firstSeen = Math.min(alloc.firstSeen, now());
        markSeen();
        alloc.done.push(
          c.grab(p.id).then(
            () => {
              alloc.wins += 1;
              alloc.lastWin = Math.max(alloc.lastWin, now());
            },
            (err: unknown) => {
              const code = (err as { code?: string }).code ?? 'ERROR';
              alloc.refusals[code] = (alloc.refusals[code] ?? 0) + 1;
            },
          ),
        );
      }),
    );
  }
}

function armFanout(): void {
  fanout = { messages: 0, lags: [] };
  for (const c of clients) {
    offs.push(
      c.on('rain:drops', (e) => {
        fanout.messages += 1;
        fanout.lags.push(now() - e.serverTime);
      }),
    );
  }
}

parentPort?.on('message', (msg: Command) => {
  const reply = (value: unknown): void => parentPort?.postMessage(value);
  switch (msg.cmd) {
    case 'connect':
      void connect().then(
        () => reply({ connected: clients.length }),
        (err: unknown) => reply({ error: String(err) }),
      );
      break;
    case 'grabAll':
      void grabAll(msg.packetIds).then(reply);
      break;
    case 'armAlloc':
      armAlloc();
      reply({ armed: true });
      break;
    case 'allocResult':
      void allSeen
        .then(() => Promise.all(alloc.done))
        .then(() => {
          for (const off of offs.splice(0)) off();
          reply({
            firstSeen: alloc.firstSeen,
            lastWin: alloc.lastWin,
            wins: alloc.wins,
            refusals: alloc.refusals,
          });
        });
      break;
    case 'armFanout':
      armFanout();
      reply({ armed: true });
      break;
    case 'fanoutResult':
      for (const off of offs.splice(0)) off();
      reply({ messages: fanout.messages, lags: fanout.lags });
      break;
    case 'close':
      for (const c of clients) c.close();
      reply({ closed: true });
      break;
  }
});
