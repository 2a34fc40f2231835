/**
 * Grab traffic for fault tests, on SDK clients: a host sends a packet every `everyMs` into a
 * room, and every player grabs each packet it hears of. Acknowledged grabs (ok, with an
 * amount) are written down as the client saw them; refusals are counted by code. A fault test
 * compares what was acknowledged with what the stores hold afterwards.
 */
import type { RedPacketClient } from '@red-packet/sdk';
import type { PacketView } from '@red-packet/sdk/protocol';
import { packetClaimId } from '../../server/domain/ids.js';

export interface AckedGrab {
  userId: string;
  packetId: string;
  claimId: string;
  amount: number;
}

export interface GrabLoad {
  /** Every grab acknowledged ok, in the order the acks arrived. */
  readonly acked: AckedGrab[];
  /** Refusals by error code (sends and grabs). */
  readonly refused: Map<string, number>;
  /** Resolves at the next grab acknowledged ok; rejects after `timeoutMs` without one. */
  nextAck(timeoutMs?: number): Promise<AckedGrab>;
  /** Resolves at the next refusal with `code`; rejects after `timeoutMs` without one. */
  nextRefusal(code: string, timeoutMs?: number): Promise<void>;
  /** Stops sending and resolves once every grab it started has been answered. */
  stop(): Promise<void>;
}

/** `promise`, or a rejection naming what did not happen within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const codeOf = (err: unknown): string => (err as { code?: string }).code ?? 'ERROR';

export function startGrabLoad(
  host: RedPacketClient,
  players: { userId: string; client: RedPacketClient }[],
  roomId: string,
  everyMs = 50,
): GrabLoad {
  const acked: AckedGrab[] = [];
  const refused = new Map<string, number>();
  const inFlight = new Set<Promise<unknown>>();
  let ackWaiters: ((g: AckedGrab) => void)[] = [];
  let refusalWaiters: { code: string; resolve: () => void }[] = [];
  const refuse = (err: unknown): void => {
    const code = codeOf(err);
    refused.set(code, (refused.get(code) ?? 0) + 1);
    const hit = refusalWaiters.filter((w) => w.code === code);
    refusalWaiters = refusalWaiters.filter((w) => w.code !== code);
    for (const w of hit) w.resolve();
  };
  const track = (p: Promise<unknown>): void => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const state = { stopped: false };
  const listeners = players.map(({ userId, client }) => {
    const onCreated = (packet: PacketView): void => {
      if (state.stopped || packet.roomId !== roomId) return;
      track(
        client.grab(packet.id).then(({ amount }) => {
          const g = { userId, packetId: packet.id, claimId: packetClaimId(packet.id, userId), amount };
          acked.push(g);
          for (const w of ackWaiters.splice(0)) w(g);
        }, refuse),
      );
    };
    return client.on('packet:created', onCreated);
  });
  const sending = (async () => {
    while (!state.stopped) {
      await host.sendPacket({ roomId, kind: 'lucky', total: 500, count: players.length }).catch(refuse);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    acked,
    refused,
    nextAck: (timeoutMs = 20_000) =>
      within(new Promise((resolve) => ackWaiters.push(resolve)), timeoutMs, 'no grab acknowledged'),
    nextRefusal: (code, timeoutMs = 20_000) =>
      within(
        new Promise((resolve) => refusalWaiters.push({ code, resolve })),
        timeoutMs,
        `no ${code} refusal`,
      ),
    async stop() {
      state.stopped = true;
      await sending;
      for (const off of listeners) off();
      await Promise.allSettled([...inFlight]);
      ackWaiters = [];
    },
  };
}
