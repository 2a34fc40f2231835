/**
 * One thread of the reconnect storm's clients (chaos/storm.ts). 5,000 SDK clients in one
 * thread saturated it: the run measured the harness decoding its own traffic, not the
 * servers. Each thread holds its share of the clients, with the SDK's default backoff and
 * jitter, and reports when each is back in the room.
 *
 * Messages in: connect · arm · status · close. Each is answered with one message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RedPacketClient } from '@red-packet/sdk';
import { TokenService } from '../server/auth/tokens.js';

export type StormCommand =
  | { cmd: 'connect'; url: string; room: string; from: number; count: number }
  | { cmd: 'arm'; room: string; rainId: string }
  | { cmd: 'status' }
  | { cmd: 'close' };

export interface StormStatus {
  /** When each client that is back re-joined the room (ms epoch). */
  backAt: number[];
  withRain: number;
  dropsAfter: number;
}

const tokens = new TokenService((workerData as { secret: string }).secret);
let clients: RedPacketClient[] = [];
const backAt = new Map<RedPacketClient, number>();
const dropsAfter = new Set<RedPacketClient>();
let withRain = 0;

async function connect(url: string, room: string, from: number, count: number): Promise<number> {
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, async (_, j) => {
        const userId = `storm-${from + i + j}`;
        // The SDK's defaults: 500 ms first delay, doubling to 10 s, ±50 % jitter.
        const c = new RedPacketClient({
          url,
          token: () => tokens.sign({ userId, name: userId, role: 'user' }),
        });
        await c.connect();
        // Setting up is not what is measured: a join refused under the connect load is retried.
        for (let attempt = 1; ; attempt++) {
          try {
            await c.join(room);
            break;
          } catch (err) {
            if (attempt >= 5) throw err;
          }
        }
        return c;
      }),
    );
    clients.push(...batch);
  }
  return clients.length;
}

function arm(room: string, rainId: string): void {
  for (const c of clients) {
    c.onRejoin((snaps) => {
      const snap = snaps.find((s) => s.roomId === room);
      if (!snap) return; // not back in the room (the SDK gave up re-joining it): never counted
      backAt.set(c, Date.now());
      if (snap.rain?.rain.id === rainId) withRain++;
    });
    c.on('rain:drops', () => {
      if (backAt.has(c)) dropsAfter.add(c);
    });
  }
}

parentPort?.on('message', (msg: StormCommand) => {
  const reply = (value: unknown): void => parentPort?.postMessage(value);
  switch (msg.cmd) {
    case 'connect':
      connect(msg.url, msg.room, msg.from, msg.count).then(
        (connected) => reply({ connected }),
        (err: unknown) => reply({ error: String(err) }),
      );
      break;
    case 'arm':
      arm(msg.room, msg.rainId);
      reply({ armed: true });
      break;
    case 'status':
      reply({ backAt: [...backAt.values()], withRain, dropsAfter: dropsAfter.size } satisfies StormStatus);
      break;
    case 'close':
      for (const c of clients) c.close();
      clients = [];
      reply({ closed: true });
      break;
  }
});
