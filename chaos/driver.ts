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
/** Codes after which a client does not know whether its grab landed, and tries again. */
const RETRIED = new Set(['STORE_UNAVAILABLE', 'TIMEOUT', 'ERROR']);

export interface AckedGrab {
  userId: string;
  claimId: string;
  amount: number;
  at: number;
}

/** A request the server refused or left unanswered, by its error code. */
export interface Refusal {
  code: string;
  at: number;
}

export interface Traffic {
  room: string;
  players: RedPacketClient[];
  host: RedPacketClient;
  acked: AckedGrab[];
  /** Every refused or unanswered grab and send, in order. */
  refused: Refusal[];
  /**
   * Once every packet grab sent is answered or timed out, those the server refused with
   * STORE_UNAVAILABLE or left unanswered (TIMEOUT, a lost connection) are tried again once,
   * as a client would: an ack now counts as acknowledged,
   * ALREADY_GRABBED means the first try had claimed (the retry commits it). Resolves with
   * how many answered ALREADY_GRABBED.
   */
  retryUnanswered(): Promise<number>;
  /** Time of the latest acknowledged grab. */
  lastAckAt(): number;
  /** Resolves when the first player hears of the next packet (its grab is being sent). */
  nextPacketSeen(): Promise<void>;
  /** Resolves at the first grab acknowledged after `since`. */
  nextAckAfter(since: number): Promise<number>;
  /** Starts sending a packet every `everyMs` until stopPackets. */
  startPackets(everyMs: number): void;
  stopPackets(): Promise<void>;
  scheduleRain(spec: { drops: number; durationMs: number; sharesPerDrop: number }): Promise<RainView>;
  allConnected(): boolean;
  /** Every client joins the room again (after Redis lost its memberships). */
  rejoin(): Promise<void>;
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

/** @param hostUrl where the host connects (default `url`): a fault may spare the sender */
export async function startTraffic(
  url: string,
  room: string,
  playerCount: number,
  tag: string,
  hostUrl = url,
): Promise<Traffic> {
  const acked: AckedGrab[] = [];
  const refused: Refusal[] = [];
  /** Grabs worth retrying (their outcome is unknown to the client). */
  const unanswered: { player: RedPacketClient; userId: string; packetId: string }[] = [];
  /** Packet grabs sent and not yet answered (nor timed out). */
  const pendingGrabs = new Set<Promise<void>>();
  const codeOf = (err: unknown): string => (err as { code?: string }).code ?? 'ERROR';
  const refuse = (err: unknown): string => {
    const code = codeOf(err);
    refused.push({ code, at: Date.now() });
    return code;
  };
  const packetWaiters: (() => void)[] = [];
  const waiters: { since: number; resolve: (at: number) => void }[] = [];
  const record = (g: AckedGrab): void => {
    acked.push(g);
    for (const w of waiters.splice(0)) {
      if (g.at > w.since) w.resolve(g.at);
      else waiters.push(w);
    }
  };
  const host = await client(hostUrl, `${tag}-host`, 'host');
  await host.join(room);
  const players = await Promise.all(
    Array.from({ length: playerCount }, (_, i) => client(url, `${tag}-p${i}`)),
  );
  await Promise.all(players.map((p) => p.join(room)));
  players.forEach((p, i) => {
    const userId = `${tag}-p${i}`;
    p.on('packet:created', (packet) => {
      if (i === 0) for (const w of packetWaiters.splice(0)) w();
      const grab = p.grab(packet.id).then(
        ({ amount }) => record({ userId, claimId: packetClaimId(packet.id, userId), amount, at: Date.now() }),
        (err: unknown) => {
          // Refused or unavailable: nothing was acknowledged.
          if (RETRIED.has(refuse(err))) unanswered.push({ player: p, userId, packetId: packet.id });
        },
      );
      pendingGrabs.add(grab);
      void grab.finally(() => pendingGrabs.delete(grab));
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
    room,
    players,
    host,
    acked,
    refused,
    async retryUnanswered() {
      await Promise.allSettled([...pendingGrabs]); // a grab's TIMEOUT is an outcome to retry
      const outcomes = await Promise.all(
        unanswered.splice(0).map(({ player, userId, packetId }) =>
          player.grab(packetId).then(({ amount }) => {
            record({ userId, claimId: packetClaimId(packetId, userId), amount, at: Date.now() });
            return 'ok';
          }, codeOf),
        ),
      );
      return outcomes.filter((o) => o === 'ALREADY_GRABBED').length;
    },
    nextPacketSeen: () => new Promise((resolve) => packetWaiters.push(resolve)),
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
            .catch(refuse);
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
    async rejoin() {
      await Promise.all([host, ...players].map((c) => c.join(room)));
    },
    close() {
      state.stop = true;
      for (const c of [host, ...players]) c.close();
    },
  };
}
