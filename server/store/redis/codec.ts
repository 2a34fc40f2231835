/**
 * Turning what Redis stores and the Lua scripts return back into the store's typed records,
 * checked: a value that does not fit throws MalformedReplyError (errors.ts), a bug rather than
 * "not now". The checks are of shape (types, literals), not of the rules the edge enforces
 * (lengths, bounds): a record stored under an older rule still reads.
 */
import { z } from 'zod';
import type { ChatMessage, ClaimView } from '@red-packet/sdk/protocol';
import type { ClaimRecord, ListenRecord, PacketRecord } from '../packets/packet-store.js';
import type { Credit, LedgerEntry } from '../wallets/wallet-store.js';
import { MalformedReplyError } from './errors.js';

const fail = (detail: string): never => {
  throw new MalformedReplyError(detail);
};

const show = (value: unknown): string => {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** A list reply. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : fail(`${show(value)} is not a list`);
}

/** A bulk string. */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : fail(`${show(value)} is not a string`);
}

/** An integer reply, or a number a script passes on as a string (a hash field, a %.17g). */
export function num(value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fail(`${show(value)} is not a number`);
}

/** A script's 1 | 0. */
export function flag(value: unknown): boolean {
  return value === 1 ? true : value === 0 ? false : fail(`${show(value)} is not 1 or 0`);
}

/** One of the literals a script documents. */
export function oneOf<const T extends string>(value: unknown, options: readonly T[]): T {
  return options.find((o) => o === value) ?? fail(`${show(value)} is not one of ${options.join(', ')}`);
}

/** A list of bulk strings. */
export function strings(value: unknown): string[] {
  return list(value).map(str);
}

/** Field/value pairs (as HGETALL or a script returns them) → object. */
export function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] ?? ''] = flat[i + 1] ?? '';
  return out;
}

/** A JSON record as `schema` describes it; `what` names it in the error. */
export function parseJson<T>(schema: z.ZodType<T>, json: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return fail(`${what} is not JSON: ${show(json)}`);
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fail(`${what} ${show(json)}: ${z.prettifyError(parsed.error)}`);
}

/** cjson writes an empty list as `{}`: either is a list. */
export const luaList = <T extends z.ZodType>(item: T) =>
  z.union([z.array(item), z.strictObject({}).transform((): z.output<T>[] => [])]);

const claimSchema = z.object({
  claimId: z.string(),
  packetId: z.string(),
  userId: z.string(),
  name: z.string(),
  amount: z.number(),
  at: z.number(),
  seq: z.number(),
});

const unlockSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('listen'),
    song: z.object({ id: z.string(), title: z.string(), durationMs: z.number(), url: z.string().optional() }),
  }),
  z.object({ type: z.literal('phrase'), phrase: z.string() }),
]);

const claimRuleSchema = z.union([
  z.object({ type: z.enum(['room', 'code']) }),
  z.object({ type: z.literal('exclusive'), ownerId: z.string(), ownerName: z.string(), note: z.string() }),
]);

/** The part of a packet that never changes, stored as one JSON field (older ones may lack `unlock`, `opensAt`). */
const staticPacketSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  senderId: z.string(),
  senderName: z.string(),
  kind: z.enum(['lucky', 'equal']),
  total: z.number(),
  count: z.number(),
  greeting: z.string(),
  createdAt: z.number(),
  opensAt: z.number().nullable().optional(),
  expiresAt: z.number(),
  unlock: unlockSchema.nullable().optional(),
  claim: claimRuleSchema.optional(),
  fence: z.object({ lat: z.number(), lng: z.number(), radiusM: z.number() }).optional(),
});

const creditSchema = z.object({
  claimId: z.string(),
  userId: z.string(),
  amount: z.number(),
  sourceId: z.string(),
  reason: z.enum(['grab', 'refund', 'drop', 'rain-refund']),
  at: z.number(),
});

const ledgerSchema = z.object({
  userId: z.string(),
  kind: z.enum(['mint', 'hold', 'release', 'credit']),
  amount: z.number(),
  balance: z.number(),
  ref: z.string(),
  at: z.number(),
});

const chatSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  userId: z.string(),
  name: z.string(),
  text: z.string(),
  at: z.number(),
});

const holdSchema = z.object({
  holdId: z.string(),
  userId: z.string(),
  amount: z.number(),
  at: z.number(),
  state: z.string(),
  ledger: z.string().optional(),
});

const listenSchema = z.object({
  anchorPos: z.number(),
  anchorAt: z.number(),
  covered: z.array(z.tuple([z.number(), z.number()])),
  credited: z.number(),
  clockMs: z.number(),
  unlocked: z.boolean(),
  version: z.number(),
});

/** The part of a packet that never changes, stored as one JSON field. */
export type StaticPacket = Pick<
  PacketRecord,
  | 'id'
  | 'roomId'
  | 'senderId'
  | 'senderName'
  | 'kind'
  | 'total'
  | 'count'
  | 'greeting'
  | 'createdAt'
  | 'opensAt'
  | 'expiresAt'
  | 'unlock'
  | 'claim'
  | 'fence'
>;

export function staticPart(p: PacketRecord): StaticPacket {
  const {
    id,
    roomId,
    senderId,
    senderName,
    kind,
    total,
    count,
    greeting,
    createdAt,
    opensAt,
    expiresAt,
    unlock,
  } = p;
  return {
    id,
    roomId,
    senderId,
    senderName,
    kind,
    total,
    count,
    greeting,
    createdAt,
    opensAt,
    expiresAt,
    unlock,
    ...(p.claim ? { claim: p.claim } : {}),
    ...(p.fence ? { fence: p.fence } : {}),
  };
}

export function decodeStaticPacket(json: string): StaticPacket {
  const record = parseJson(staticPacketSchema, json, 'packet record');
  return { ...record, unlock: record.unlock ?? null, opensAt: record.opensAt ?? null };
}

export function decodeClaim(json: string): ClaimRecord & { seq: number } {
  return parseJson(claimSchema, json, 'claim');
}

export function withoutSeq(c: ClaimRecord & { seq?: number }): ClaimRecord {
  const { seq: _seq, ...claim } = c;
  return claim;
}

export function claimView(c: ClaimRecord): ClaimView {
  return { userId: c.userId, name: c.name, amount: c.amount, at: c.at };
}

/** A packet hash (as an object) → PacketRecord. */
export function decodePacket(h: Record<string, string>): PacketRecord {
  return {
    ...decodeStaticPacket(h.record ?? '{}'),
    status: oneOf(h.status ?? 'open', ['open', 'finished', 'expired', 'cancelled']),
    remainingCount: Number(h.remainingCount ?? 0),
    remainingAmount: Number(h.remainingAmount ?? 0),
    bestLuck: h.best ? claimView(decodeClaim(h.best)) : null,
  };
}

export function decodeCredit(json: string): Credit {
  return parseJson(creditSchema, json, 'credit');
}

export function decodeLedger(json: string): LedgerEntry {
  return parseJson(ledgerSchema, json, 'ledger entry');
}

export function decodeChat(json: string): ChatMessage {
  return parseJson(chatSchema, json, 'chat message');
}

/** A hold as the hold scripts store it, with its state (`held`, `settled`, `released`). */
export function decodeHold(json: string): z.output<typeof holdSchema> {
  return parseJson(holdSchema, json, 'hold');
}

export function decodeListen(json: string): ListenRecord {
  return parseJson(listenSchema, json, 'listen');
}
