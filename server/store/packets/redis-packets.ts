/**
 * Packets over Redis / Redis Cluster (packet-store.ts). Every atomic method is one Lua script
 * on the packet's slot (see redis-keys.ts for the layout). The global indexes — live packets
 * and due expiries — sit in slots of their own and are written *before* the script they index
 * (write-ahead), so a crash leaves an index entry pointing at nothing rather than money nobody
 * can find; readers skip and clean such entries. Outboxes, tombstones and retiring: escrow/redis-escrow.ts.
 */
import type { Cluster, Redis } from 'ioredis';
import type { UserRef } from '@red-packet/sdk/protocol';
import { isGated, type GrabPass } from '../../domain/claim-gate.js';
import { packetClaimId, packetRefundId } from '../../domain/ids.js';
import type { Listen } from '../../domain/karaoke-credit.js';
import type {
  CancelOutcome,
  ClaimRecord,
  CreateResult,
  CreditedGrabOutcome,
  ExpireOutcome,
  GrabOutcome,
  ListenRecord,
  PacketRecord,
  PacketStore,
} from './packet-store.js';
import { decodeClaim, decodeListen, decodePacket, staticPart, withoutSeq } from '../redis/codec.js';
import type { RedisKeys } from '../redis/keys.js';
import type { RedisEscrow } from '../escrow/redis-escrow.js';
import { RedisPart } from '../redis/part.js';
import { cancelTimedPacket } from './redis-timed.js';
import { walletKeys } from '../wallets/redis-wallets.js';
import type { StoreKind } from '../unavailable.js';

/** Room packet index entries kept per room. */
const ROOM_INDEX_CAP = 500;

/** ARGV of packet-grab.lua and packet-grab-credit.lua (lua/_packet-claim.lua reads them). */
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

export class RedisPackets extends RedisPart implements PacketStore {
  /**
   * @param kind on a Cluster, grabAndCredit cannot reach the wallet's slot in one script
   * @param escrow retires a finished packet from the live index
   */
  constructor(
    private readonly kind: Extract<StoreKind, 'redis' | 'cluster'>,
    redis: Redis | Cluster,
    keys: RedisKeys,
    private readonly escrow: Pick<RedisEscrow, 'retire'>,
  ) {
    super(redis, keys);
  }

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
      const result = await this.script(
        'packet-create',
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
      );
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

  grab(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<GrabOutcome> {
    const k = this.packetKeys(packetId);
    return this.script(
      'packet-grab',
      [k.packet, k.shares, k.claims, k.outbox, this.keys.unlocked(packetId)],
      grabArgs(packetId, user, at, pass),
    );
  }

  cancelPacket(packetId: string, senderId: string, at: number): Promise<CancelOutcome> {
    return this.guard(() => cancelTimedPacket(this.redis, this.keys, packetId, senderId, at));
  }

  grabAndCredit(
    packetId: string,
    user: UserRef,
    at: number,
    pass?: GrabPass,
    options: { keepOutbox?: boolean } = {},
  ): Promise<CreditedGrabOutcome> {
    if (this.kind === 'cluster') {
      return this.grab(packetId, user, at, pass).then((o) =>
        o.status === 'claimed' ? { ...o, credited: false } : o,
      );
    }
    const k = this.packetKeys(packetId);
    return this.script(
      'packet-grab-credit',
      [
        k.packet,
        k.shares,
        k.claims,
        k.outbox,
        this.keys.unlocked(packetId),
        ...walletKeys(this.keys, user.userId, 'credits'),
      ],
      [...grabArgs(packetId, user, at, pass), options.keepOutbox ? '1' : ''],
    );
  }

  expirePacket(packetId: string, at: number): Promise<ExpireOutcome> {
    return this.guard(async () => {
      const k = this.packetKeys(packetId);
      const reply = await this.script(
        'packet-expire',
        [k.packet, k.shares, k.outbox],
        [at, packetRefundId(packetId), packetId],
      );
      if (reply.status === 'expired') {
        await this.redis.zrem(this.keys.duePackets(), packetId);
        return reply;
      }
      if (reply.unscheduled) await this.redis.zrem(this.keys.duePackets(), packetId);
      if (reply.done) await this.escrow.retire(packetId);
      return { status: 'noop' };
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
      return raw ? decodeListen(raw) : null;
    });
  }

  saveListen(packetId: string, userId: string, listen: Listen, expectedVersion: number): Promise<boolean> {
    return this.guard(async () => {
      const record: ListenRecord = { ...listen, version: expectedVersion + 1 };
      return this.script(
        'packet-save-listen',
        [this.keys.listens(packetId), this.keys.unlocked(packetId)],
        [userId, expectedVersion, JSON.stringify(record), listen.unlocked ? 1 : 0],
      );
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
}
