/**
 * The traffic during a fault: players on the load balancer grab every packet the host sends
 * (a packet storm) and every drop of the rain falling in the room; every grab the server
 * acknowledges is written down, so afterwards each can be looked up in the ledger.
 */
import type { RainView } from '@red-packet/sdk/protocol';
import { RedPacketClient } from '@red-packet/sdk';
import { TokenService } from '../server/auth/tokens.js';
import { dropClaimId, packetClaimId } from '../server/domain/ids.js';
import { TEST_SECRET } from '../test/helpers/test-server.js';

const tokens = new TokenService(TEST_SECRET);

export interface AckedGrab {
  userId: string;
  claimId: string;
  amount: number;
  at: number;
}

export interface Traffic {
  players: RedPacketClient[];
  host: RedPacketClient;
  acked: AckedGrab[];
  /** Time of the latest acknowledged grab. */
  lastAckAt(): number;
  /** Resolves at the first grab acknowledged after `since`. */
  nextAckAfter(since: number): Promise<number>;
  /** Starts sending a packet every `everyMs` until stopPackets. */
  startPackets(everyMs: number): void;
  stopPackets(): Promise<void>;
  scheduleRain(spec: { drops: number; durationMs: number; sharesPerDrop: number }): Promise<RainView>;
  allConnected(): boolean;
  close(): void;
}

export async function client(
  url: string,
  userId: string,
  role: 'user' | 'host' = 'user',
): Promise<RedPacketClient> {
  const c = new RedPacketClient({
    url,
    token: () => tokens.sign({ userId, name: userId.slice(0, 32), role }),
    ackTimeoutMs: 5_000,
    reconnectDelayMs: 200,
    reconnectMaxMs: 2_000,
  });
  await c.connect();
  return c;
}

export async function startTraffic(
  url: string,
  room: string,
  playerCount: number,
  tag: string,
): Promise<Traffic> {
  const acked: AckedGrab[] = [];
  const waiters: { since: number; resolve: (at: number) => void }[] = [];
  const record = (g: AckedGrab): void => {
    acked.push(g);
    for (const w of waiters.splice(0)) {
      if (g.at > w.since) w.resolve(g.at);
      else waiters.push(w);
    }
  };
  const host = await client(url, `${tag}-host`, 'host');
  await host.join(room);
  const players = await Promise.all(
    Array.from({ length: playerCount }, (_, i) => client(url, `${tag}-p${i}`)),
  );
  await Promise.all(players.map((p) => p.join(room)));
  players.forEach((p, i) => {
    const userId = `${tag}-p${i}`;
    p.on('packet:created', (packet) => {
      p.grab(packet.id).then(
        ({ amount }) => record({ userId, claimId: packetClaimId(packet.id, userId), amount, at: Date.now() }),
        () => undefined, // refused or unavailable: nothing was acknowledged
      );
    });
    p.on('rain:drops', ({ rainId, drops }) => {
      for (const d of drops) {
        p.grabDrop(rainId, d.dropId).then(
          ({ amount }) =>
            record({ userId, claimId: dropClaimId(rainId, d.dropId, userId), amount, at: Date.now() }),
          () => undefined,
        );
      }
    });
  });

  let sending: Promise<void> | undefined;
  const state = { stop: false };
  return {
    players,
    host,
    acked,
    lastAckAt: () => acked.at(-1)?.at ?? 0,
    nextAckAfter: (since) =>
      new Promise((resolve) => {
        const hit = acked.find((g) => g.at > since);
        if (hit) resolve(hit.at);
        else waiters.push({ since, resolve });
      }),
    startPackets(everyMs) {
      state.stop = false;
      sending = (async () => {
        while (!state.stop) {
          await host
            .sendPacket({
              roomId: room,
              kind: 'lucky',
              total: 200,
              count: Math.max(2, Math.floor(playerCount / 2)),
            })
            .catch(() => undefined);
          await new Promise((r) => setTimeout(r, everyMs));
        }
      })();
    },
    async stopPackets() {
      state.stop = true;
      await sending;
    },
    async scheduleRain({ drops, durationMs, sharesPerDrop }) {
      const { rain } = await host.scheduleRain({
        roomId: room,
        mode: 'race', // taps as soon as drops arrive: first come, not a lottery
        total: drops * sharesPerDrop * 10,
        drops,
        sharesPerDrop,
        durationMs,
        dropTtlMs: 2_000,
        startInMs: 300,
        split: 'equal',
      });
      return rain;
    },
    allConnected: () => players.every((p) => p.connected) && host.connected,
    close() {
      state.stop = true;
      for (const c of [host, ...players]) c.close();
    },
  };
}
