/**
 * The one writer a restore (restore.ts) uses on Redis: a wallet, an open packet or a running
 * rain at a time, each in one Lua script on its slot (lua/restore-wallet.lua,
 * lua/restore-packet.lua, lua/restore-rain.lua), so a key group is written whole or not at
 * all, and one already there is left alone — a restore that stopped half-way is finished by
 * running it again. The global indexes an open packet or rain needs (due, live, active, room)
 * are written before its script, as redis-packets.ts and redis-rains.ts do.
 */
import type { StaticPacket } from '../redis/codec.js';
import { keyspaceServers } from '../redis/masters.js';
import { RedisPart } from '../redis/part.js';
import type { RainImage } from './restore-rains.js';

/** One wallet as the ledger has it: entries oldest first, each with the balance after it. */
export interface WalletImage {
  userId: string;
  balance: number;
  minted: number;
  /** Ledger entries as the wallet scripts store them (JSON). */
  ledger: string[];
  mints: string[];
  credits: string[];
  holds: { holdId: string; json: string; at: number; held: boolean }[];
}

/** One packet as the ledger has it. */
export interface PacketImage {
  record: StaticPacket;
  status: 'open' | 'finished' | 'expired';
  /** How long Redis keeps a closed one, ms (0 for an open one). */
  retainMs: number;
  gated: boolean;
  remainingShares: number[];
  /** userId → claim JSON (as lua/_packet-claim.lua stores it), oldest first. */
  claims: [string, string][];
  best: { json: string; amount: number } | null;
}

export class RedisRestorer extends RedisPart {
  /**
   * True when no wallet, packet or rain of this deployment (its prefix) exists on any master.
   * Other keys (node liveness, room memberships) come back on their own while nodes run.
   */
  isEmpty(): Promise<boolean> {
    const k = this.keys;
    const patterns = [k.walletPattern(), k.packetPattern(), k.rainPattern()];
    return this.guard(async () => {
      for (const node of keyspaceServers(this.redis)) {
        for (const pattern of patterns) {
          let cursor = '0';
          do {
            const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
            if (found.length > 0) return false;
            cursor = next;
          } while (cursor !== '0');
        }
      }
      return true;
    });
  }

  /** Writes one wallet unless it exists. */
  async wallet(w: WalletImage): Promise<'restored' | 'exists'> {
    const k = this.keys;
    const held = w.holds.filter((h) => h.held);
    if (held.length > 0) {
      await this.guard(() =>
        this.redis.zadd(k.pendingHolds(), ...held.flatMap((h) => [h.at, `${w.userId}\n${h.holdId}`])),
      );
    }
    const body = {
      ledger: w.ledger,
      mints: w.mints,
      credits: w.credits,
      holds: w.holds.map((h) => [h.holdId, h.json]),
    };
    return this.script(
      'restore-wallet',
      [k.wallet(w.userId), k.ledger(w.userId), k.mints(w.userId), k.credits(w.userId), k.holds(w.userId)],
      [w.balance, w.minted, JSON.stringify(body)],
    );
  }

  /**
   * Writes one packet unless it exists (or was aborted): an open one with its due and live
   * index entries, a closed one (its claims answer retries) expiring after `retainMs`.
   */
  async packet(p: PacketImage): Promise<'restored' | 'exists' | 'aborted'> {
    const k = this.keys;
    const id = p.record.id;
    const open = p.status === 'open';
    await this.guard(() =>
      Promise.all([
        open ? this.redis.zadd(k.duePackets(), p.record.expiresAt, id) : undefined,
        open ? this.redis.zadd(k.livePackets(), p.record.expiresAt, id) : undefined,
        this.redis.zadd(k.roomPackets(p.record.roomId), p.record.createdAt, id),
      ]),
    );
    const body = { shares: p.remainingShares.map(String), claims: p.claims };
    return this.script(
      'restore-packet',
      [k.packet(id), k.shares(id), k.claims(id), k.tombstone(id)],
      [
        JSON.stringify(p.record),
        p.record.expiresAt,
        p.remainingShares.reduce((a, b) => a + b, 0),
        p.remainingShares.length,
        p.gated ? 1 : 0,
        p.record.opensAt ?? 0,
        p.claims.length,
        p.best?.json ?? '',
        p.best?.amount ?? '',
        JSON.stringify(body),
        p.status,
        open ? 0 : Math.max(1, p.retainMs),
      ],
    );
  }

  /**
   * Writes one running rain unless it exists (or was aborted), indexed as active (so a rain
   * runner takes its free lease), live (its outbox) and in its room.
   */
  async rain(r: RainImage): Promise<'restored' | 'exists' | 'aborted'> {
    const k = this.keys;
    const id = r.rainId;
    await this.guard(() =>
      Promise.all([
        this.redis.zadd(k.activeRains(), r.startAt, id),
        this.redis.zadd(k.livePackets(), r.startAt, id),
        this.redis.zadd(k.roomRains(r.roomId), r.startAt, id),
      ]),
    );
    const fields = Object.fromEntries(Object.entries(r.fields).map(([name, v]) => [name, String(v)]));
    return this.script(
      'restore-rain',
      [
        k.rain(id),
        k.rainDrops(id),
        k.rainOrder(id),
        k.rainClaims(id),
        k.rainBoard(id),
        k.rainBoardInfo(id),
        k.rainTombstone(id),
      ],
      [JSON.stringify({ fields, drops: r.drops, claims: r.claims, board: r.board })],
    );
  }
}
