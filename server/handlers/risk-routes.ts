/**
 * The operator's risk routes (admin): the overview, bans and flags. docs/protocol.md, "Risk".
 *
 *   GET  /v1/admin/risk                      open flags with evidence, open breakers, bans,
 *                                            today's top senders and receivers, the policy
 *   POST /v1/admin/users/:userId/ban         { reason? } → { ban }; kicks the user everywhere
 *   POST /v1/admin/users/:userId/unban       → { unbanned }
 *   POST /v1/admin/risk/flags/:flagId/clear  → { cleared }; a breaker flag also closes the breaker,
 *                                            a content-blocked flag also forgets the strikes
 *   GET  /v1/me/risk                         the caller's totals today and the limits
 */
import { z } from 'zod';
import { banBodySchema, describeIssues, idSchema } from '@red-packet/sdk/schemas';
import type { Clock } from '../domain/clock.js';
import { GameError } from '../domain/errors.js';
import type { BanList } from '../services/risk/risk-bans.js';
import type { RiskService } from '../services/risk/risk-service.js';
import { strikeEvidence } from '../services/screening/content-screen.js';
import type { RiskFlag, RiskStore } from '../store/risk/risk-store.js';
import type { Route } from '../transport/http-router.js';
import { json } from '../transport/http-types.js';

export interface RiskRouteDeps {
  risk: RiskService;
  bans: BanList;
  store: RiskStore;
  clock: Clock;
}

const flagIdSchema = z.string().min(1).max(400);
const TOP = 10;

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new GameError('INVALID_PAYLOAD', describeIssues(result.error));
  return result.data;
}

/**
 * Content-screening flags carry the strikes as of their last write; two refusals racing on
 * two nodes may write them out of order, so the overview shows the store's live count.
 */
async function freshenContentFlags(store: RiskStore, flags: RiskFlag[]): Promise<void> {
  await Promise.all(
    flags
      .filter((f) => f.rule === 'content-blocked' && f.userIds[0] !== undefined)
      .map(async (f) => {
        const strikes = await store.contentStrikes(f.userIds[0] ?? '');
        if (strikes.total > 0) f.evidence = strikeEvidence(strikes);
      }),
  );
}

export function riskRoutes(d: RiskRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/admin/risk',
      access: 'admin',
      handle: async () => {
        const now = d.clock.now();
        const day = d.risk.day(now);
        const [flags, bans, top] = await Promise.all([
          d.store.listFlags(),
          d.store.listBans(),
          d.store.topOfDay(day, TOP),
        ]);
        await freshenContentFlags(d.store, flags);
        flags.sort((a, b) => b.at - a.at);
        const breakers = flags
          .filter((f) => f.rule === 'breaker' && Number(f.evidence.until) > now)
          .map((f) => ({ userId: f.userIds[0] ?? '', until: Number(f.evidence.until), flagId: f.id }));
        return json(200, {
          serverTime: now,
          day: day.day,
          resetAt: day.resetAt,
          flags,
          breakers,
          bans: bans.sort((a, b) => b.at - a.at),
          top,
          policy: d.risk.policy,
        });
      },
    },
    {
      method: 'POST',
      path: '/v1/admin/users/:userId/ban',
      access: 'admin',
      handle: async ({ user, params, body }) => {
        const userId = parse(idSchema, params[0]);
        if (userId === user.userId) throw new GameError('INVALID_PAYLOAD', 'an admin cannot ban themselves');
        const reason = parse(banBodySchema, body)?.reason ?? '';
        const ban = { userId, reason, by: user.userId, at: d.clock.now() };
        await d.bans.ban(ban);
        d.risk.count('ban', 'flag');
        return json(200, { ban });
      },
    },
    {
      method: 'POST',
      path: '/v1/admin/users/:userId/unban',
      access: 'admin',
      handle: async ({ user, params }) => {
        const userId = parse(idSchema, params[0]);
        return json(200, { unbanned: await d.bans.unban(userId, user.userId) });
      },
    },
    {
      method: 'POST',
      path: '/v1/admin/risk/flags/:flagId/clear',
      access: 'admin',
      handle: async ({ params }) => {
        const id = parse(flagIdSchema, params[0]);
        const flag = await d.store.getFlag(id);
        if (!flag) throw new GameError('NOT_FOUND', 'no such flag');
        if (flag.rule === 'breaker') {
          await Promise.all(flag.userIds.map((u) => d.store.resetBreaker(u)));
        }
        if (flag.rule === 'content-blocked') {
          await Promise.all(flag.userIds.map((u) => d.store.clearContentStrikes(u)));
        }
        return json(200, { cleared: await d.store.clearFlag(id) });
      },
    },
    {
      method: 'GET',
      path: '/v1/me/risk',
      access: 'user',
      handle: async ({ user }) => {
        const day = d.risk.day();
        const [totals, breaker] = await Promise.all([
          d.store.dayTotals(user.userId, day),
          d.store.breaker(user.userId),
        ]);
        const p = d.risk.policy;
        return json(200, {
          day: day.day,
          resetAt: day.resetAt,
          totals,
          limits: {
            dailyMaxSends: p.dailyMaxSends,
            dailyMaxSentFen: p.dailyMaxSentFen,
            dailyMaxReceivedFen: p.dailyMaxReceivedFen,
            dailyMaxRainFen: p.dailyMaxRainFen,
            verifyAfterSends: p.verifyAfterSends,
          },
          breakerUntil: breaker.until > d.clock.now() ? breaker.until : 0,
        });
      },
    },
  ];
}
