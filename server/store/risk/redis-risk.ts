/**
 * RedisRisk: the risk store on one Redis or a Redis Cluster. Every check-and-count is one Lua
 * script (lua/risk-*.lua) on one slot:
 *
 *   user    {rk:<bucket>}   day hash per user, day sent/received zsets per bucket, breaker,
 *                           grab failures — a user's keys all share their bucket's slot
 *   source  {rs:<id>}       which accounts won a packet or rain from which device / address
 *           {rk:<bucket>}   content-screening strikes, per user (cs:<userId>)
 *   global  (own slots)     bans and flags: small hashes read whole by the operator view
 */
import { z } from 'zod';
import { parseJson } from '../redis/codec.js';
import { RedisPart } from '../redis/part.js';
import type { RiskDay } from '../../domain/risk-day.js';
import type {
  BreakerState,
  DayCounters,
  RiskPolicy,
  RiskRule,
  SendDecision,
} from '../../domain/risk-rules.js';
import {
  CONTENT_STRIKES_TTL_MS,
  DAY_KEY_GRACE_MS,
  NO_STRIKES,
  RISK_BUCKETS,
  riskBucket,
  type BanRecord,
  type ClusterHit,
  type ClusterWin,
  type ContentStrikes,
  type RankEntry,
  type RiskFlag,
  type RiskStore,
  type SendAdmission,
} from './risk-store.js';

/** Every key of the risk store (see the slot map above). */
export class RiskKeys {
  constructor(readonly prefix: string) {}

  private user(userId: string, suffix: string): string {
    return `${this.prefix}rp:{rk:${riskBucket(userId)}}:${suffix}`;
  }
  day(userId: string, day: string): string {
    return this.user(userId, `d:${day}:u:${userId}`);
  }
  sent(bucket: number, day: string): string {
    return `${this.prefix}rp:{rk:${bucket}}:d:${day}:sent`;
  }
  received(bucket: number, day: string): string {
    return `${this.prefix}rp:{rk:${bucket}}:d:${day}:recv`;
  }
  breaker(userId: string): string {
    return this.user(userId, `brk:${userId}`);
  }
  grabFails(userId: string): string {
    return this.user(userId, `gf:${userId}`);
  }
  contentStrikes(userId: string): string {
    return this.user(userId, `cs:${userId}`);
  }
  cluster(sourceId: string): string {
    return `${this.prefix}rp:{rs:${sourceId}}:cluster`;
  }
  bans(): string {
    return `${this.prefix}rp:risk:bans`;
  }
  flags(): string {
    return `${this.prefix}rp:risk:flags`;
  }
}

const num = (v: unknown): number => Number(v ?? 0);

const pairsOf = (flat: string[]): [string, string][] => {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] ?? '', flat[i + 1] ?? '']);
  return out;
};

/** Every rule a flag may name (a rule added to RiskRule and not here fails to compile). */
const RISK_RULES = {
  'daily-sends': 'daily-sends',
  'daily-sent-fen': 'daily-sent-fen',
  'daily-received-fen': 'daily-received-fen',
  'daily-rain-fen': 'daily-rain-fen',
  'step-up': 'step-up',
  breaker: 'breaker',
  'grab-cooldown': 'grab-cooldown',
  ban: 'ban',
  'cluster-device': 'cluster-device',
  'cluster-ip': 'cluster-ip',
  'content-blocked': 'content-blocked',
  'fence-probe': 'fence-probe',
} as const satisfies { [R in RiskRule]: R };

const banSchema = z.object({ userId: z.string(), reason: z.string(), by: z.string(), at: z.number() });

const flagSchema = z.object({
  id: z.string(),
  rule: z.enum(RISK_RULES),
  userIds: z.array(z.string()),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])),
  at: z.number(),
});

const decodeBan = (json: string): BanRecord => parseJson(banSchema, json, 'ban');
const decodeFlag = (json: string): RiskFlag => parseJson(flagSchema, json, 'risk flag');

/** The strikes hash (total, lastAt, lastList, lastWhere, `l:<list>` counts) as ContentStrikes. */
function decodeStrikes(hash: Record<string, string>): ContentStrikes {
  if (hash.total === undefined) return { ...NO_STRIKES, byList: {} };
  const byList: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith('l:')) byList[field.slice(2)] = Number(value);
  }
  return {
    total: num(hash.total),
    byList,
    lastAt: num(hash.lastAt),
    lastList: hash.lastList ?? '',
    lastWhere: hash.lastWhere ?? '',
  };
}

export class RedisRisk extends RedisPart<RiskKeys> implements RiskStore {
  async admitSend(a: SendAdmission, p: RiskPolicy): Promise<SendDecision> {
    const k = this.keys;
    return this.script(
      'risk-send',
      [k.day(a.userId, a.day.day), k.sent(riskBucket(a.userId), a.day.day), k.breaker(a.userId)],
      [
        a.userId,
        a.sendId,
        a.kind,
        a.amount,
        a.now,
        a.day.resetAt + DAY_KEY_GRACE_MS,
        a.verified ? '1' : '0',
        p.dailyMaxSends,
        p.dailyMaxSentFen,
        p.dailyMaxRainFen,
        p.verifyAfterSends,
        p.breakerRepeat,
        p.breakerWindowMs,
        p.breakerCooldownMs,
      ],
    );
  }

  async undoSend(userId: string, sendId: string, day: RiskDay): Promise<void> {
    const k = this.keys;
    await this.script(
      'risk-send-undo',
      [k.day(userId, day.day), k.sent(riskBucket(userId), day.day)],
      [userId, sendId],
    );
  }

  async addReceived(
    day: RiskDay,
    entries: { userId: string; fen: number }[],
    cap: number,
  ): Promise<string[]> {
    // One argument per bucket (`userId TAB fen` lines): cheap to encode, whatever the count.
    const byBucket = new Map<number, string[]>();
    for (const { userId, fen } of entries) {
      const bucket = riskBucket(userId);
      const lines = byBucket.get(bucket) ?? [];
      lines.push(`${userId}\t${fen}`);
      byBucket.set(bucket, lines);
    }
    const replies = await Promise.all(
      [...byBucket].map(([bucket, lines]) =>
        this.script(
          'risk-received',
          [this.keys.received(bucket, day.day)],
          [day.resetAt + DAY_KEY_GRACE_MS, cap, lines.join('\n')],
        ),
      ),
    );
    return replies.flat();
  }

  async dayTotals(userId: string, day: RiskDay): Promise<DayCounters & { receivedFen: number }> {
    const [counters, received] = await this.guard(() =>
      Promise.all([
        this.redis.hmget(this.keys.day(userId, day.day), 'sends', 'sentFen', 'rainFen'),
        this.redis.zscore(this.keys.received(riskBucket(userId), day.day), userId),
      ]),
    );
    return {
      sends: num(counters[0]),
      sentFen: num(counters[1]),
      rainFen: num(counters[2]),
      receivedFen: num(received),
    };
  }

  async topOfDay(day: RiskDay, limit: number): Promise<{ senders: RankEntry[]; receivers: RankEntry[] }> {
    const buckets = Array.from({ length: RISK_BUCKETS }, (_, b) => b);
    const top = async (key: (b: number) => string): Promise<RankEntry[]> => {
      const lists = await this.guard(() =>
        Promise.all(buckets.map((b) => this.redis.zrevrange(key(b), 0, limit - 1, 'WITHSCORES'))),
      );
      return lists
        .flatMap((flat) => pairsOf(flat).map(([userId, fen]) => ({ userId, fen: Number(fen) })))
        .filter((e) => e.fen > 0)
        .sort((a, b) => b.fen - a.fen || a.userId.localeCompare(b.userId))
        .slice(0, limit);
    };
    const [senders, receivers] = await Promise.all([
      top((b) => this.keys.sent(b, day.day)),
      top((b) => this.keys.received(b, day.day)),
    ]);
    return { senders, receivers };
  }

  async breaker(userId: string): Promise<BreakerState> {
    const h = await this.guard(() =>
      this.redis.hmget(this.keys.breaker(userId), 'amount', 'run', 'since', 'until'),
    );
    return { amount: num(h[0]), run: num(h[1]), since: num(h[2]), until: num(h[3]) };
  }

  async resetBreaker(userId: string): Promise<void> {
    await this.guard(() => this.redis.del(this.keys.breaker(userId)));
  }

  async countGrabFailure(userId: string, now: number, p: RiskPolicy): Promise<number> {
    return this.script(
      'risk-grab-fail',
      [this.keys.grabFails(userId)],
      [now, p.grabFailMax, p.grabFailWindowMs, p.grabCooldownMs],
    );
  }

  private clusterArgs(mode: 'record' | 'admit', wins: ClusterWin[], p: RiskPolicy, expiresAt: number) {
    return [
      expiresAt,
      p.maxAccountsPerDevice,
      p.maxAccountsPerIp,
      mode,
      wins.map((w) => `${w.userId}\t${w.ip ?? ''}\t${w.deviceId ?? ''}`).join('\n'),
    ];
  }

  async recordWinners(
    sourceId: string,
    wins: ClusterWin[],
    p: RiskPolicy,
    expiresAt: number,
  ): Promise<ClusterHit[]> {
    const hits = await this.script(
      'risk-cluster',
      [this.keys.cluster(sourceId)],
      this.clusterArgs('record', wins, p, expiresAt),
    );
    return hits.map(([field, members]) => ({ field, members: members.split(',') }));
  }

  async admitWinner(
    sourceId: string,
    win: ClusterWin,
    p: RiskPolicy,
    expiresAt: number,
  ): Promise<{ ok: true } | { ok: false; hit: ClusterHit }> {
    const [hit] = await this.script(
      'risk-cluster',
      [this.keys.cluster(sourceId)],
      this.clusterArgs('admit', [win], p, expiresAt),
    );
    return hit === undefined
      ? { ok: true }
      : { ok: false, hit: { field: hit[0], members: hit[1].split(',') } };
  }

  async countContentBlock(userId: string, list: string, where: string, now: number): Promise<ContentStrikes> {
    return decodeStrikes(
      await this.script(
        'risk-content',
        [this.keys.contentStrikes(userId)],
        [list, where, now, CONTENT_STRIKES_TTL_MS],
      ),
    );
  }

  async contentStrikes(userId: string): Promise<ContentStrikes> {
    return decodeStrikes(await this.guard(() => this.redis.hgetall(this.keys.contentStrikes(userId))));
  }

  async clearContentStrikes(userId: string): Promise<void> {
    await this.guard(() => this.redis.del(this.keys.contentStrikes(userId)));
  }

  async ban(record: BanRecord): Promise<void> {
    await this.guard(() => this.redis.hset(this.keys.bans(), record.userId, JSON.stringify(record)));
  }

  async unban(userId: string): Promise<boolean> {
    return (await this.guard(() => this.redis.hdel(this.keys.bans(), userId))) > 0;
  }

  async listBans(): Promise<BanRecord[]> {
    const all = await this.guard(() => this.redis.hgetall(this.keys.bans()));
    return Object.values(all).map(decodeBan);
  }

  async raiseFlag(flag: RiskFlag): Promise<void> {
    await this.guard(() => this.redis.hset(this.keys.flags(), flag.id, JSON.stringify(flag)));
  }

  async clearFlag(id: string): Promise<boolean> {
    return (await this.guard(() => this.redis.hdel(this.keys.flags(), id))) > 0;
  }

  async getFlag(id: string): Promise<RiskFlag | null> {
    const v = await this.guard(() => this.redis.hget(this.keys.flags(), id));
    return v ? decodeFlag(v) : null;
  }

  async listFlags(): Promise<RiskFlag[]> {
    const all = await this.guard(() => this.redis.hgetall(this.keys.flags()));
    return Object.values(all).map(decodeFlag);
  }
}
