/**
 * What each Lua script answers, one decoder per script: REPLIES checks a reply against the
 * script's `-- Returns` header and gives its typed value, so a part never casts what Redis
 * answered. runScript (scripts.ts) decodes every reply here; one that does not fit throws
 * MalformedReplyError naming the script — a bug, not "not now".
 */
import { CLOSED_BREAKER, type BreakerState, type SendDecision } from '../../domain/risk-rules.js';
import type {
  CancelOutcome,
  CreateResult,
  CreditedGrabOutcome,
  GrabbedPacket,
  GrabOutcome,
} from '../packets/packet-store.js';
import type { BatchOutcome } from '../rains/lottery-store.js';
import type { DropGrabOutcome, ReleaseResult } from '../rains/rain-store.js';
import type { HoldResult } from '../wallets/wallet-store.js';
import {
  claimView,
  decodeCredit,
  decodePacket,
  flag,
  list,
  num,
  oneOf,
  pairs,
  str,
  strings,
} from './codec.js';
import { MalformedReplyError } from './errors.js';
import { claimOfGrab, staticOfGrab } from './grab-codec.js';
import type { ScriptName } from './script-names.js';

const fail = (detail: string): never => {
  throw new MalformedReplyError(detail);
};

const CREATE_RESULTS = ['created', 'exists', 'aborted'] as const satisfies readonly CreateResult[];

/** `{ balance, applied (1 | 0) }`: wallet-mint, wallet-apply-credit, wallet-release-hold. */
function balanceReply(raw: unknown): { balance: number; applied: boolean } {
  const [balance, applied] = list(raw);
  return { balance: num(balance), applied: flag(applied) };
}

/** A script's `'' or value` field. */
const orNull = <T>(value: unknown, decode: (v: string) => T): T | null => {
  const s = str(value);
  return s === '' ? null : decode(s);
};

/**
 * The reply both grab scripts answer (lua/_packet-claim.lua): every refusal, or `claimed` with the
 * claim, the fence distance, the shares left, the static record and the best claim —
 * packet-grab-credit.lua's followed by the wallet's new balance, returned as `balance` (else null).
 */
function grabReply(raw: unknown): { outcome: GrabOutcome; balance: number | null } {
  const [status, ...rest] = list(raw);
  const [a, b, c, d, e, f] = rest;
  switch (status) {
    case 'claimed': {
      const remainingCount = num(c);
      const { id, roomId, kind, expiresAt, fence } = staticOfGrab(str(d));
      const packetStatus: GrabbedPacket['status'] = remainingCount === 0 ? 'finished' : 'open';
      const packet: GrabbedPacket = {
        id,
        roomId,
        kind,
        status: packetStatus,
        remainingCount,
        bestLuck: claimView(claimOfGrab(str(e))),
        expiresAt,
        ...(fence ? { fence } : {}),
      };
      const claim = claimOfGrab(str(a));
      return {
        outcome: { status, claim, packet, distanceM: orNull(b, num) },
        balance: f === undefined ? null : num(f),
      };
    }
    case 'already':
      return { outcome: { status, claim: claimOfGrab(str(a)) }, balance: null };
    case 'not-open':
      return { outcome: { status, opensAt: num(a) }, balance: null };
    case 'outside':
      return {
        outcome: { status, radiusM: num(a), distanceM: orNull(b, num), expiresAt: num(c) },
        balance: null,
      };
    case 'empty':
    case 'expired':
    case 'missing':
    case 'locked':
    case 'forbidden':
      return { outcome: { status }, balance: null };
    default:
      return fail(`unknown status ${String(status)}`);
  }
}

/** risk-send.lua: `{ 'ok', counters…, breaker… }` or a refusal. */
function sendReply(raw: unknown): SendDecision {
  const [tag, a, b, c, d, e, f, g] = list(raw);
  switch (tag) {
    case 'ok': {
      const breaker: BreakerState = { amount: num(d), run: num(e), since: num(f), until: num(g) };
      return { ok: true, day: { sends: num(a), sentFen: num(b), rainFen: num(c) }, breaker };
    }
    case 'breaker':
      return {
        ok: false,
        refusal: { rule: tag, until: num(a), tripped: flag(b) },
        breaker: { ...CLOSED_BREAKER, until: num(a) },
      };
    case 'step-up':
      return { ok: false, refusal: { rule: tag, sends: num(a) }, breaker: CLOSED_BREAKER };
    case 'daily-sends':
    case 'daily-sent-fen':
    case 'daily-rain-fen':
      return { ok: false, refusal: { rule: tag, used: num(a), cap: num(b) }, breaker: CLOSED_BREAKER };
    default:
      return fail(`unknown tag ${String(tag)}`);
  }
}

/** Every script's decoder. A script added to SCRIPTS without one here fails to compile. */
const REPLIES = {
  'wallet-mint': balanceReply,
  'wallet-hold': (raw): HoldResult => {
    const [ok, balance] = list(raw);
    return { ok: flag(ok), balance: num(balance) };
  },
  'wallet-settle-hold': flag,
  'wallet-release-hold': balanceReply,
  'wallet-apply-credit': balanceReply,
  'packet-create': (raw): CreateResult => oneOf(raw, CREATE_RESULTS),
  'escrow-abort-funded': (raw) => oneOf(raw, ['aborted', 'exists']),
  'restore-wallet': (raw) => oneOf(raw, ['restored', 'exists']),
  'restore-packet': (raw) => oneOf(raw, ['restored', 'exists', 'aborted']),
  'restore-rain': (raw) => oneOf(raw, ['restored', 'exists', 'aborted']),
  'packet-grab': (raw): GrabOutcome => grabReply(raw).outcome,
  'packet-grab-credit': (raw): Exclude<CreditedGrabOutcome, { credited: false }> => {
    const { outcome, balance } = grabReply(raw);
    if (outcome.status !== 'claimed') return outcome;
    return { ...outcome, credited: true, balance: balance ?? fail('claimed without a balance') };
  },
  'packet-save-listen': flag,
  /** `{ 'noop', unscheduled, done }` | `{ 'expired', refund JSON or '', packet hash… }`. */
  'packet-expire': (raw) => {
    const [status, ...rest] = list(raw);
    switch (status) {
      case 'expired': {
        const [refund, ...packet] = rest;
        return { status, refund: orNull(refund, decodeCredit), packet: decodePacket(pairs(strings(packet))) };
      }
      case 'noop':
        return { status, unscheduled: flag(rest[0]), done: flag(rest[1]) };
      default:
        return fail(`unknown status ${String(status)}`);
    }
  },
  'packet-cancel': (raw): CancelOutcome => {
    const [status, refund, ...packet] = list(raw);
    switch (status) {
      case 'cancelled':
        return { status, packet: decodePacket(pairs(strings(packet))), refund: decodeCredit(str(refund)) };
      case 'missing':
      case 'not-sender':
      case 'closed':
      case 'opened':
        return { status };
      default:
        return fail(`unknown status ${String(status)}`);
    }
  },
  'rain-create': (raw): CreateResult => oneOf(raw, CREATE_RESULTS),
  /** `{ acquired, rain hash… }`; the hash is null for an unknown rain. */
  'rain-lease': (raw) => {
    const [acquired, ...rain] = list(raw);
    return { acquired: flag(acquired), rain: rain.length > 0 ? pairs(strings(rain)) : null };
  },
  'rain-lease-release': flag,
  'rain-release': (raw): ReleaseResult => {
    const [status, started] = list(raw);
    if (status === 'ok') return { ok: true, started: flag(started) };
    return { ok: false, reason: oneOf(status, ['lease-lost', 'cursor-moved', 'closed']) };
  },
  /** The drop's claimed share and what it has left, or a refusal. */
  'rain-grab': (
    raw,
  ):
    { status: 'claimed'; amount: number; left: number } | Exclude<DropGrabOutcome, { status: 'claimed' }> => {
    const [status, amount, left] = list(raw);
    if (status === 'claimed') return { status, amount: num(amount), left: num(left) };
    return {
      status: oneOf(status, ['already', 'cap', 'drop-empty', 'drop-inactive', 'rain-inactive', 'missing']),
    };
  },
  /** `{ 'ended', refund JSON or '', winners, rain hash… }` | `{ 'noop', rain hash… }`. */
  'rain-end': (raw) => {
    const [status, ...rest] = list(raw);
    switch (status) {
      case 'ended': {
        const [refund, winners, ...rain] = rest;
        return {
          status,
          refund: orNull(refund, decodeCredit),
          winners: num(winners),
          rain: pairs(strings(rain)),
        };
      }
      case 'noop':
        return { status, rain: rest.length > 0 ? pairs(strings(rest)) : null };
      default:
        return fail(`unknown status ${String(status)}`);
    }
  },
  'rain-batch': (raw): BatchOutcome => ({
    status: oneOf(list(raw)[0], ['accepted', 'duplicate', 'drawn', 'missing', 'closed']),
  }),
  /** `{ 'ok', shares left, amount per winner… }` or why not. */
  /** Winners in draw order: userId, amount pairs after the shares left. */
  'rain-draw': (raw) => {
    const [status, left, ...paid] = list(raw);
    if (status === 'ok') {
      if (paid.length % 2 !== 0) throw new MalformedReplyError('a winner without an amount');
      const winners = Array.from({ length: paid.length / 2 }, (_, i) => ({
        userId: str(paid[2 * i]),
        amount: num(paid[2 * i + 1]),
      }));
      return { ok: true as const, left: num(left), winners };
    }
    if (status === 'not-closed')
      return { ok: false as const, reason: 'not-closed' as const, drawAt: num(left) };
    return { ok: false as const, reason: oneOf(status, ['lease-lost', 'cursor-moved', 'closed']) };
  },
  'room-member-add': num,
  'room-member-remove': num,
  'node-heartbeat': flag,
  'node-forget': flag,
  'code-receive': (raw) => pairs(strings(raw)),
  'code-phrase-index': num,
  'risk-send': sendReply,
  'risk-send-undo': flag,
  'risk-received': strings,
  'risk-grab-fail': num,
  /** Field/members pairs, in order. */
  'risk-cluster': (raw): [string, string][] => {
    const flat = strings(raw);
    return Array.from({ length: Math.floor(flat.length / 2) }, (_, i) => [
      flat[2 * i] ?? '',
      flat[2 * i + 1] ?? '',
    ]);
  },
  'risk-content': (raw) => pairs(strings(raw)),
  'fence-index': num,
  'fence-unindex': num,
  'fence-search': strings,
  'fence-attempt': num,
} satisfies Record<ScriptName, (raw: unknown) => unknown>;

export type ScriptReply<N extends ScriptName> = ReturnType<(typeof REPLIES)[N]>;

const DECODERS: { [N in ScriptName]: (raw: unknown) => ScriptReply<N> } = REPLIES;

/** `raw` as script `name` answers it, checked; MalformedReplyError (naming it) if it does not fit. */
export function decodeReply<N extends ScriptName>(name: N, raw: unknown): ScriptReply<N> {
  const decode: (raw: unknown) => ScriptReply<N> = DECODERS[name];
  try {
    return decode(raw);
  } catch (err) {
    if (err instanceof MalformedReplyError) throw new MalformedReplyError(`script ${name}: ${err.message}`);
    throw err;
  }
}
