/**
 * RedisStore: the Store over one Redis or a Redis Cluster (ioredis). Every atomic method is
 * one Lua script on one slot (see redis-keys.ts for the layout). The global indexes — live
 * packets and pending holds — sit in slots of their own and are written *before* the script
 * they index (write-ahead), so a crash leaves an index entry pointing at nothing rather than
 * money nobody can find; readers skip and clean such entries.
 */
import type { Cluster, Redis } from 'ioredis';
import type { AuditReport, ChatMessage, LeaderboardEntry, UserRef } from '@red-packet/sdk/protocol';
import { isGated, type GrabPass } from '../domain/claim-gate.js';
import { isRainId, packetClaimId, packetRefundId } from '../domain/ids.js';
import type { Listen } from '../domain/karaoke-credit.js';
import { auditRedis } from './redis-audit.js';
import {
  balanceReply,
  decodeChat,
  decodeClaim,
  decodeCredit,
  decodeLedger,
  decodePacket,
  pairs,
  staticPart,
} from './redis-codec.js';
import { toStoreError } from './redis-errors.js';
import { RedisCodes } from './redis-codes.js';
import { RedisFences } from './redis-fences.js';
import { RedisRains } from './redis-rains.js';
import { cancelTimedPacket } from './redis-timed.js';
import { RedisNodes } from './redis-nodes.js';
import type { NodeRegistry } from './node-registry.js';
import { RedisFairRains } from './redis-fair-rains.js';
import type { RainFairStore } from './rain-fair-store.js';
import type { RedisKeys } from './redis-keys.js';
import { keyspaceServers } from './redis-masters.js';
import { runScript, type ScriptName } from './redis-scripts.js';
import type {
  ActiveDrop,
  CancelOutcome,
  ClaimRecord,
  CreateResult,
  Credit,
  CreditedGrabOutcome,
  DropGrabOutcome,
  EndRainOutcome,
  LeaseResult,
  ListenRecord,
  RainRecord,
  ReleaseResult,
  ExpireOutcome,
  GrabOutcome,
  Hold,
  HoldResult,
  LedgerEntry,
  PacketRecord,
  Store,
  StoreKind,
} from './store.js';

/** How long a closed packet's data stays readable (GET /v1/packets/:id) after it is done. */
const RETAIN_CLOSED_MS = 7 * 86_400_000;
/** Room packet index entries kept per room. */
const ROOM_INDEX_CAP = 500;
/** Live packets whose outboxes one listStaleCredits call inspects. */
const OUTBOX_PAGE = 200;

/** The answers grab.lua and grab-credit.lua share: every outcome but 'claimed'. */
function grabRefusal(
  script: string,
  status: string | undefined,
  second: string,
): Exclude<GrabOutcome, { status: 'claimed' }> {
  switch (status) {
    case 'already':
      return { status, claim: withoutSeq(decodeClaim(second)) };
    case 'not-open':
      return { status, opensAt: Number(second) };
    case 'outside': {
      const [radiusM, distanceM] = second.split(' ');
      return { status, radiusM: Number(radiusM), distanceM: distanceM ? Number(distanceM) : null };
    }
    case 'empty':
    case 'expired':
    case 'missing':
    case 'locked':
    case 'forbidden':
      return { status };
    default:
      throw new Error(`${script} script answered ${String(status)}`);
  }
}

/** ARGV of grab.lua and grab-credit.lua. */
function grabArgs(packetId: string, user: UserRef, at: number, pass?: GrabPass): (string | number)[] {
  const where = pass?.location;
  return [
    packetId,
    user.userId,
    user.name,
    at,
    packetClaimId(packetId, user.userId),
    pass?.phrase ?? '',
    ...(where ? [where.lat, where.lng, where.trustedM] : ['', '', '']),
  ];
}

export class RedisStore implements Store {
  /** Where the rolling outbox scan of listStaleCredits continues. */
  private outboxCursor = 0;
  private readonly rains: RedisRains;
  readonly nodes: NodeRegistry;
  readonly codes: RedisCodes;
  readonly fences: RedisFences;
  readonly fairRains: RainFairStore;

  constructor(
    readonly kind: Extract<StoreKind, 'redis' | 'cluster'>,
    private readonly redis: Redis | Cluster,
    private readonly keys: RedisKeys,
  ) {
    this.rains = new RedisRains(redis, keys);
    this.nodes = new RedisNodes(redis, keys);
    this.codes = new RedisCodes(redis, keys, (fn) => this.guard(fn));
    this.fences = new RedisFences(redis, keys, (fn) => this.guard(fn));
    this.fairRains = new RedisFairRains(redis, keys, (fn) => this.guard(fn));
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err);
    }
  }

  private script(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    return runScript(this.redis, name, keys, args);
  }

  /** On a Cluster, every master must answer: with one down, part of the keyspace is gone. */
  ping(): Promise<void> {
    return this.guard(async () => {
      await Promise.all(keyspaceServers(this.redis).map((server) => server.ping()));
    });
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  // ── wallets ─────────────────────────────────────────────────────────────────────────

  private walletKeys(userId: string, set: 'mints' | 'credits' | 'holds'): string[] {
    return [this.keys.wallet(userId), this.keys.ledger(userId), this.keys[set](userId)];
  }

  getBalance(userId: string): Promise<number> {
    return this.guard(async () => Number((await this.redis.hget(this.keys.wallet(userId), 'balance')) ?? 0));
  }

  mint(
    userId: string,
    amount: number,
    mintId: string,
    at: number,
  ): Promise<{ balance: number; applied: boolean }> {
    return this.guard(async () =>
      balanceReply(await this.script('mint', this.walletKeys(userId, 'mints'), [userId, amount, mintId, at])),
    );
  }

  hold(hold: Hold): Promise<HoldResult> {
    return this.guard(async () => {
      const entry = `${hold.userId}\n${hold.holdId}`;
      await this.redis.zadd(this.keys.pendingHolds(), hold.at, entry);
      const [ok, balance] = (await this.script('hold', this.walletKeys(hold.userId, 'holds'), [
        hold.userId,
        hold.holdId,
        hold.amount,
        hold.at,
      ])) as [number, number];
      if (ok !== 1) await this.redis.zrem(this.keys.pendingHolds(), entry);
      return { ok: ok === 1, balance };
    });
  }

  settleHold(userId: string, holdId: string): Promise<void> {
    return this.guard(async () => {
      await this.script('settle-hold', [this.keys.holds(userId)], [holdId]);
      await this.redis.zrem(this.keys.pendingHolds(), `${userId}\n${holdId}`);
    });
  }

  releaseHold(userId: string, holdId: string, at: number): Promise<{ balance: number; applied: boolean }> {
    return this.guard(async () => {
      const reply = balanceReply(
        await this.script('release-hold', this.walletKeys(userId, 'holds'), [userId, holdId, at]),
      );
      await this.redis.zrem(this.keys.pendingHolds(), `${userId}\n${holdId}`);
      return reply;
    });
  }

  applyCredit(credit: Credit): Promise<{ balance: number; applied: boolean }> {
    return this.guard(async () =>
      balanceReply(
        await this.script('apply-credit', this.walletKeys(credit.userId, 'credits'), [
          credit.userId,
          credit.claimId,
          credit.amount,
          credit.at,
        ]),
      ),
    );
  }

  listStaleHolds(before: number, limit: number): Promise<Hold[]> {
    return this.guard(async () => {
      const entries = await this.redis.zrangebyscore(
        this.keys.pendingHolds(),
        '-inf',
        `(${before}`,
        'LIMIT',
        0,
        limit,
      );
      const holds = await Promise.all(
        entries.map(async (entry) => {
          const [userId = '', holdId = ''] = entry.split('\n');
          const raw = await this.redis.hget(this.keys.holds(userId), holdId);
          const hold = raw ? (JSON.parse(raw) as Hold & { state: string }) : null;
          if (hold?.state === 'held') return { holdId, userId, amount: hold.amount, at: hold.at };
          // Settled or released (the index removal was lost), or never made (the hold script
          // never ran): make sure no packet can appear for it, then forget the entry.
          if (!hold) await this.abortFunded(holdId);
          await this.redis.zrem(this.keys.pendingHolds(), entry);
          return null;
        }),
      );
      return holds.filter((h): h is Hold => h !== null);
    });
  }

  ledger(userId: string, limit: number): Promise<LedgerEntry[]> {
    return this.guard(async () => {
      const raw = await this.redis.lrange(this.keys.ledger(userId), -limit, -1);
      return raw.map(decodeLedger).reverse();
    });
  }

  // ── packets ─────────────────────────────────────────────────────────────────────────

  private packetKeys(id: string): {
    packet: string;
    shares: string;
    claims: string;
    outbox: string;
    tomb: string;
  } {
    const k = this.keys;
    return {
      packet: k.packet(id),
      shares: k.shares(id),
      claims: k.claims(id),
      outbox: k.outbox(id),
      tomb: k.tombstone(id),
    };
  }

  createPacket(packet: PacketRecord, shares: number[]): Promise<CreateResult> {
    return this.guard(async () => {
      const k = this.packetKeys(packet.id);
      const roomIndex = this.keys.roomPackets(packet.roomId);
      await Promise.all([
        this.redis.zadd(this.keys.duePackets(), packet.expiresAt, packet.id),
        this.redis.zadd(this.keys.livePackets(), packet.expiresAt, packet.id),
        this.redis.zadd(roomIndex, packet.createdAt, packet.id),
      ]);
      const result = (await this.script(
        'create-packet',
        [k.packet, k.shares, k.tomb],
        [
          JSON.stringify(staticPart(packet)),
          packet.expiresAt,
          packet.total,
          packet.count,
          isGated(packet) ? 1 : 0,
          packet.opensAt ?? 0,
          ...shares,
        ],
      )) as CreateResult;
      if (result === 'aborted') {
        await Promise.all([
          this.redis.zrem(this.keys.duePackets(), packet.id),
          this.redis.zrem(this.keys.livePackets(), packet.id),
          this.redis.zrem(roomIndex, packet.id),
        ]);
      } else {
        await this.redis.zremrangebyrank(roomIndex, 0, -ROOM_INDEX_CAP - 1);
      }
      return result;
    });
  }

  abortFunded(id: string): Promise<'aborted' | 'exists'> {
    return this.guard(async () => {
      const keys = isRainId(id)
        ? [this.keys.rain(id), this.keys.rainTombstone(id)]
        : [this.keys.packet(id), this.keys.tombstone(id)];
      return (await this.script('abort-funded', keys, [])) as 'aborted' | 'exists';
    });
  }

  grab(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<GrabOutcome> {
    return this.guard(async () => {
      const k = this.packetKeys(packetId);
      const reply = (await this.script(
        'grab',
        [k.packet, k.shares, k.claims, k.outbox, this.keys.unlocked(packetId)],
        grabArgs(packetId, user, at, pass),
      )) as string[];
      const [status, claim = '', ...packet] = reply;
      switch (status) {
        case 'claimed':
          return { status, claim: withoutSeq(decodeClaim(claim)), packet: decodePacket(pairs(packet)) };
        default:
          return grabRefusal('grab', status, claim);
      }
    });
  }

  cancelPacket(packetId: string, senderId: string, at: number): Promise<CancelOutcome> {
    return this.guard(() => cancelTimedPacket(this.redis, this.keys, packetId, senderId, at));
  }

  grabAndCredit(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<CreditedGrabOutcome> {
    if (this.kind === 'cluster') {
      return this.grab(packetId, user, at, pass).then((o) =>
        o.status === 'claimed' ? { ...o, credited: false } : o,
      );
    }
    return this.guard(async (): Promise<CreditedGrabOutcome> => {
      const k = this.packetKeys(packetId);
      const reply = (await this.script(
        'grab-credit',
        [
          k.packet,
          k.shares,
          k.claims,
          k.outbox,
          this.keys.unlocked(packetId),
          ...this.walletKeys(user.userId, 'credits'),
        ],
        grabArgs(packetId, user, at, pass),
      )) as string[];
      const [status, claim = '', ...rest] = reply;
      switch (status) {
        case 'claimed': {
          const [balance, ...packet] = rest;
          return {
            status,
            claim: withoutSeq(decodeClaim(claim)),
            packet: decodePacket(pairs(packet)),
            credited: true,
            balance: Number(balance),
          };
        }
        default:
          return grabRefusal('grab-credit', status, claim);
      }
    });
  }

  expirePacket(packetId: string, at: number): Promise<ExpireOutcome> {
    return this.guard(async () => {
      const k = this.packetKeys(packetId);
      const [status, second, ...packet] = (await this.script(
        'expire-packet',
        [k.packet, k.shares, k.outbox],
        [at, packetRefundId(packetId), packetId],
      )) as [string, string | number, ...string[]];
      if (status === 'expired') {
        await this.redis.zrem(this.keys.duePackets(), packetId);
        return {
          status,
          packet: decodePacket(pairs(packet)),
          refund: second ? decodeCredit(String(second)) : null,
        };
      }
      const [done] = packet;
      if (second === 1) await this.redis.zrem(this.keys.duePackets(), packetId);
      if (Number(done) === 1) await this.retire(packetId);
      return { status: 'noop' };
    });
  }

  /** Drops a finished-with packet or rain from the live index; its data expires later. */
  private async retire(id: string): Promise<void> {
    const k = this.keys;
    const dataKeys = isRainId(id)
      ? [
          k.rain(id),
          k.rainOrder(id),
          k.rainClaims(id),
          k.rainBoard(id),
          k.rainBoardInfo(id),
          k.rainOutbox(id),
          k.rainDrops(id),
          k.rainDraws(id),
          k.rainEntrants(id),
          k.rainTaps(id),
          k.rainLog(id),
        ]
      : [k.packet(id), k.shares(id), k.claims(id), k.outbox(id), k.listens(id), k.unlocked(id)];
    await Promise.all([
      this.redis.zrem(k.livePackets(), id),
      ...dataKeys.map((key) => this.redis.pexpire(key, RETAIN_CLOSED_MS)),
    ]);
  }

  /** The hash holding a packet's or rain's status, and its outbox. */
  private sourceKeys(id: string): { record: string; outbox: string } {
    return isRainId(id)
      ? { record: this.keys.rain(id), outbox: this.keys.rainOutbox(id) }
      : { record: this.keys.packet(id), outbox: this.keys.outbox(id) };
  }

  ackCredits(sourceId: string, claimIds: string[]): Promise<void> {
    if (claimIds.length === 0) return Promise.resolve();
    return this.guard(async () => {
      await this.redis.hdel(this.sourceKeys(sourceId).outbox, ...claimIds);
    });
  }

  getPacket(packetId: string): Promise<PacketRecord | null> {
    return this.guard(async () => {
      const h = await this.redis.hgetall(this.keys.packet(packetId));
      return h.record ? decodePacket(h) : null;
    });
  }

  getListen(packetId: string, userId: string): Promise<ListenRecord | null> {
    return this.guard(async () => {
      const raw = await this.redis.hget(this.keys.listens(packetId), userId);
      return raw ? (JSON.parse(raw) as ListenRecord) : null;
    });
  }

  saveListen(packetId: string, userId: string, listen: Listen, expectedVersion: number): Promise<boolean> {
    return this.guard(async () => {
      const record: ListenRecord = { ...listen, version: expectedVersion + 1 };
      const saved = await this.script(
        'save-listen',
        [this.keys.listens(packetId), this.keys.unlocked(packetId)],
        [userId, expectedVersion, JSON.stringify(record), listen.unlocked ? 1 : 0],
      );
      return saved === 1;
    });
  }

  getClaims(packetId: string): Promise<ClaimRecord[]> {
    return this.guard(async () => {
      const raw = await this.redis.hvals(this.keys.claims(packetId));
      return raw
        .map(decodeClaim)
        .sort((a, b) => a.seq - b.seq)
        .map(withoutSeq);
    });
  }

  claimedAmounts(packetIds: string[], userId: string): Promise<(number | null)[]> {
    return this.guard(() =>
      Promise.all(
        packetIds.map(async (id) => {
          const raw = await this.redis.hget(this.keys.claims(id), userId);
          return raw ? decodeClaim(raw).amount : null;
        }),
      ),
    );
  }

  listOpenPackets(roomId: string, limit: number): Promise<PacketRecord[]> {
    return this.guard(async () => {
      const index = this.keys.roomPackets(roomId);
      const ids = await this.redis.zrange(index, 0, -1);
      const packets = await Promise.all(ids.map((id) => this.getPacket(id)));
      const closed = ids.filter((_, i) => packets[i] && packets[i].status !== 'open');
      if (closed.length > 0) await this.redis.zrem(index, ...closed);
      return packets.filter((p): p is PacketRecord => p?.status === 'open').slice(-limit);
    });
  }

  listDueExpiries(now: number, limit: number): Promise<string[]> {
    return this.guard(() => this.redis.zrangebyscore(this.keys.duePackets(), '-inf', now, 'LIMIT', 0, limit));
  }

  /**
   * Walks the live-packet index a page per call (continuing where the last call stopped), so
   * every live packet's outbox is looked at within (live packets / page) calls. Closed
   * packets with an empty outbox are retired on the way.
   */
  listStaleCredits(before: number, limit: number): Promise<Credit[]> {
    return this.guard(async () => {
      const ids = await this.redis.zrange(
        this.keys.livePackets(),
        this.outboxCursor,
        this.outboxCursor + OUTBOX_PAGE - 1,
      );
      this.outboxCursor = ids.length < OUTBOX_PAGE ? 0 : this.outboxCursor + OUTBOX_PAGE;
      const found: Credit[] = [];
      await Promise.all(
        ids.map(async (id) => {
          const source = this.sourceKeys(id);
          const [status, outbox] = await Promise.all([
            this.redis.hget(source.record, 'status'),
            this.redis.hvals(source.outbox),
          ]);
          const open = status === 'open' || status === 'scheduled' || status === 'running';
          if (status !== null && !open && outbox.length === 0) {
            await this.retire(id);
            return;
          }
          for (const raw of outbox) {
            const credit = decodeCredit(raw);
            if (credit.at < before) found.push(credit);
          }
        }),
      );
      return found.slice(0, limit);
    });
  }

  // ── rains (redis-rains.ts) ──────────────────────────────────────────────────────────

  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult> {
    return this.guard(() => this.rains.create(rain, drops));
  }

  getRain(rainId: string): Promise<RainRecord | null> {
    return this.guard(() => this.rains.get(rainId));
  }

  listActiveRains(limit: number): Promise<string[]> {
    return this.guard(() => this.rains.listActive(limit));
  }

  listRoomRains(roomId: string): Promise<RainRecord[]> {
    return this.guard(() => this.rains.listRoom(roomId));
  }

  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    return this.guard(() => this.rains.acquireLease(rainId, nodeId, now, ttlMs));
  }

  releaseRainLease(rainId: string, nodeId: string): Promise<void> {
    return this.guard(() => this.rains.releaseLease(rainId, nodeId));
  }

  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult> {
    return this.guard(() => this.rains.releaseDrops(rainId, nodeId, from, dropIds, now, leaseTtlMs));
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    return this.guard(() => this.rains.grabDrop(rainId, dropId, user, now));
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    return this.guard(() => this.rains.end(rainId, now, reason));
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    return this.guard(() => this.rains.leaderboard(rainId, limit));
  }

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }> {
    return this.guard(() => this.rains.userStats(rainId, userId));
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    return this.guard(() => this.rains.activeDrops(rainId, now));
  }

  // ── rooms ───────────────────────────────────────────────────────────────────────────

  appendChat(message: ChatMessage, keep: number): Promise<void> {
    return this.guard(async () => {
      const key = this.keys.chat(message.roomId);
      await this.redis.multi().rpush(key, JSON.stringify(message)).ltrim(key, -keep, -1).exec();
    });
  }

  recentChat(roomId: string, limit: number): Promise<ChatMessage[]> {
    return this.guard(async () =>
      (await this.redis.lrange(this.keys.chat(roomId), -limit, -1)).map(decodeChat),
    );
  }

  addMember(roomId: string, userId: string, connId: string): Promise<number> {
    return this.guard(async () =>
      Number(
        await this.script(
          'member-add',
          [this.keys.members(roomId), this.keys.memberUsers(roomId)],
          [userId, connId],
        ),
      ),
    );
  }

  removeMember(roomId: string, _userId: string, connId: string): Promise<number> {
    return this.guard(async () =>
      Number(
        await this.script(
          'member-remove',
          [this.keys.members(roomId), this.keys.memberUsers(roomId)],
          [connId],
        ),
      ),
    );
  }

  memberCount(roomId: string): Promise<number> {
    return this.guard(() => this.redis.hlen(this.keys.memberUsers(roomId)));
  }

  // ── audit ───────────────────────────────────────────────────────────────────────────

  audit(): Promise<AuditReport> {
    return this.guard(() => auditRedis(this.redis, this.keys));
  }
}

function withoutSeq(c: ClaimRecord & { seq?: number }): ClaimRecord {
  const { seq: _seq, ...claim } = c;
  return claim;
}
