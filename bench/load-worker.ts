/**
 * One load-generator thread: holds many wire clients (bench/wire-client.ts) and runs what the
 * orchestrator asks (bench/run.ts). Per message it does a byte compare, a timestamp and a
 * histogram increment: no logging, no per-message allocation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TokenService } from '../server/auth/tokens.js';
import { LagHistogram } from './histogram.js';
import { RainTapper, type RainPlan } from './rain-tapper.js';
import { WireClient } from './wire-client.js';

interface Data {
  index: number;
  secret: string;
}

export type Command =
  /** `url`: every client to it; a list: client k to `url[k % url.length]` (nodes of one cluster). */
  | { cmd: 'connect'; url: string | string[]; count: number; room: string }
  | { cmd: 'grabAll'; packetIds: string[]; perClient: number }
  | { cmd: 'echoAll'; perClient: number }
  | { cmd: 'armAlloc' }
  | { cmd: 'allocResult' }
  | { cmd: 'armFanout'; event: string }
  | { cmd: 'fanoutResult' }
  | ({ cmd: 'armRain' } & RainPlan)
  | { cmd: 'rainResult' }
  | { cmd: 'close' };

const data = workerData as Data;
const tokens = new TokenService(data.secret);
let clients: WireClient[] = [];
const now = (): number => performance.timeOrigin + performance.now();

let alloc = {
  firstSeen: Infinity,
  lastWin: 0,
  wins: 0,
  done: [] as Promise<void>[],
  refusals: {} as Record<string, number>,
};
/** Resolves when every client of this thread has seen the packet. */
let allSeen: Promise<void> = Promise.resolve();
let fanout = { messages: 0, lags: new LagHistogram() };
let rain: RainTapper | null = null;
const offs: (() => void)[] = [];

async function connect(url: string | string[], count: number, room: string): Promise<void> {
  const urls = typeof url === 'string' ? [url] : url;
  const batch = 100;
  const base = clients.length;
  for (let i = 0; i < count; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, async (_, j) => {
        const userId = `b${data.index}-${base + i + j}`;
        const token = await tokens.sign({ userId, name: userId, role: 'user' });
        const c = await WireClient.connect(urls[(base + i + j) % urls.length] as string, token);
        const ack = await c.request('room:join', { roomId: room });
        if (!ack.ok) throw new Error(`room:join refused: ${JSON.stringify(ack)}`);
        return c;
      }),
    );
    clients.push(...made);
  }
}

/**
 * Every client grabs `perClient` of the packets one at a time: all of them in order, or (when
 * fewer) a random pick in its own random order.
 */
async function grabAll(
  packetIds: string[],
  perClient: number,
): Promise<{ ok: number; failed: Record<string, number>; lags: number[] }> {
  const lags = new LagHistogram();
  let ok = 0;
  const failed: Record<string, number> = {};
  await Promise.all(
    clients.map(async (c) => {
      const order = perClient < packetIds.length ? shuffled(packetIds).slice(0, perClient) : packetIds;
      for (const packetId of order) {
        const t = performance.now();
        const ack = await c.request('packet:grab', { packetId });
        if (ack.ok) {
          ok += 1;
          lags.add(performance.now() - t);
        } else {
          const code = (ack.error as { code?: string } | undefined)?.code ?? 'ERROR';
          failed[code] = (failed[code] ?? 0) + 1;
        }
      }
    }),
  );
  return { ok, failed, lags: lags.toArray() };
}

/** Every client sends `perClient` acked `time:sync` requests one after another. */
async function echoAll(
  perClient: number,
): Promise<{ ok: number; failed: Record<string, number>; lags: number[] }> {
  const lags = new LagHistogram();
  let ok = 0;
  await Promise.all(
    clients.map(async (c) => {
      for (let i = 0; i < perClient; i++) {
        const t = performance.now();
        const ack = await c.request('time:sync', {});
        if (!ack.ok) throw new Error(`time:sync refused: ${JSON.stringify(ack)}`);
        ok += 1;
        lags.add(performance.now() - t);
      }
    }),
  );
  return { ok, failed: {}, lags: lags.toArray() };
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function armAlloc(): void {
  alloc = { firstSeen: Infinity, lastWin: 0, wins: 0, done: [], refusals: {} };
  let seen = 0;
  let markSeen: () => void = () => undefined;
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
          grabWithRetry(c, p.id as string).then(({ code, retried }) => {
            // A retried grab may have won late and be answered PACKET_EMPTY (the node answers
            // a spent packet locally, winners' retries included): its answer ends the race too.
            if (code === 'ok' || retried) alloc.lastWin = Math.max(alloc.lastWin, now());
            if (code === 'ok') alloc.wins += 1;
            else alloc.refusals[code] = (alloc.refusals[code] ?? 0) + 1;
          }),
        );
      }),
    );
  }
}

/**
 * A grab as a real client would make it: a STORE_UNAVAILABLE (the node's 1 s Redis timeout
 * on an overloaded machine) is retried; ALREADY_GRABBED after such a retry means the first
 * attempt won late. Retries are counted as refusals `retried`.
 */
async function grabWithRetry(c: WireClient, packetId: string): Promise<{ code: string; retried: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const ack = await c.request('packet:grab', { packetId });
    if (ack.ok) return { code: 'ok', retried: attempt > 0 };
    const code = (ack.error as { code?: string } | undefined)?.code ?? 'ERROR';
    if (code === 'ALREADY_GRABBED' && attempt > 0) return { code: 'ok', retried: true };
    if (code !== 'STORE_UNAVAILABLE' || attempt >= 5) return { code, retried: attempt > 0 };
    alloc.refusals.retried = (alloc.refusals.retried ?? 0) + 1;
  }
}

function armFanout(event: string): void {
  fanout = { messages: 0, lags: new LagHistogram() };
  for (const c of clients) {
    offs.push(
      c.on(event, (e) => {
        fanout.messages += 1;
        fanout.lags.add(now() - (e.serverTime as number));
      }),
    );
  }
}

parentPort?.on('message', (msg: Command) => {
  const reply = (value: unknown): void => parentPort?.postMessage(value);
  const fail = (err: unknown): void => reply({ error: String(err) });
  switch (msg.cmd) {
    case 'connect':
      connect(msg.url, msg.count, msg.room).then(() => reply({ connected: clients.length }), fail);
      break;
    case 'grabAll':
      grabAll(msg.packetIds, msg.perClient).then(reply, fail);
      break;
    case 'echoAll':
      echoAll(msg.perClient).then(reply, fail);
      break;
    case 'armAlloc':
      armAlloc();
      reply({ armed: true });
      break;
    case 'allocResult':
      allSeen
        .then(() => Promise.all(alloc.done))
        .then(() => {
          for (const off of offs.splice(0)) off();
          reply({
            firstSeen: alloc.firstSeen,
            lastWin: alloc.lastWin,
            wins: alloc.wins,
            refusals: alloc.refusals,
          });
        }, fail);
      break;
    case 'armFanout':
      armFanout(msg.event);
      reply({ armed: true });
      break;
    case 'fanoutResult':
      for (const off of offs.splice(0)) off();
      reply({ messages: fanout.messages, lags: fanout.lags.toArray() });
      break;
    case 'armRain':
      rain = new RainTapper(clients, msg);
      reply({ armed: true });
      break;
    case 'rainResult':
      if (!rain) {
        fail(new Error('rainResult before armRain'));
        break;
      }
      rain.result().then(reply, fail);
      rain = null;
      break;
    case 'close':
      for (const c of clients) c.close();
      clients = [];
      reply({ closed: true });
      break;
  }
});
