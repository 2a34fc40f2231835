/** Turning what the Lua scripts store and return back into the store's typed records. */
import type { ChatMessage, ClaimView } from '@red-packet/sdk/protocol';
import type { ClaimRecord, PacketRecord } from '../packets/packet-store.js';
import type { Credit, LedgerEntry } from '../wallets/wallet-store.js';

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
    ...{
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
    },
    ...(p.claim ? { claim: p.claim } : {}),
    ...(p.fence ? { fence: p.fence } : {}),
  };
}

/** Field/value pairs (as HGETALL or a script returns them) → object. */
export function pairs(flat: unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

export function decodeClaim(json: string): ClaimRecord & { seq: number } {
  return JSON.parse(json) as ClaimRecord & { seq: number };
}

export function claimView(c: ClaimRecord): ClaimView {
  return { userId: c.userId, name: c.name, amount: c.amount, at: c.at };
}

/** A packet hash (as an object) → PacketRecord. */
export function decodePacket(h: Record<string, string>): PacketRecord {
  const record = JSON.parse(h.record ?? '{}') as StaticPacket;
  return {
    ...record,
    unlock: record.unlock ?? null,
    opensAt: record.opensAt ?? null,
    status: (h.status ?? 'open') as PacketRecord['status'],
    remainingCount: Number(h.remainingCount ?? 0),
    remainingAmount: Number(h.remainingAmount ?? 0),
    bestLuck: h.best ? claimView(decodeClaim(h.best)) : null,
  };
}

export function decodeCredit(json: string): Credit {
  return JSON.parse(json) as Credit;
}

export function decodeLedger(json: string): LedgerEntry {
  return JSON.parse(json) as LedgerEntry;
}

export function decodeChat(json: string): ChatMessage {
  return JSON.parse(json) as ChatMessage;
}

/** A script's `{ n, n }` reply → `{ balance, applied }`. */
export function balanceReply(reply: unknown): { balance: number; applied: boolean } {
  const [balance, applied] = reply as [number, number];
  return { balance, applied: applied === 1 };
}
