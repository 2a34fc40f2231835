/**
 * The decoding a grab reply needs, kept cheap because every grab pays it (issue 24):
 *
 *   claim          JSON parsed and its shape checked field by field (no schema library); a
 *                  claim that does not fit goes through codec.ts decodeClaim, whose schema
 *                  names what is wrong — the same MalformedReplyError as before
 *   static record  a packet's static record never changes, so the decoded record is kept by
 *                  its exact JSON text (a bounded memo): the second grab of a packet costs a
 *                  string lookup instead of JSON.parse and the schema. The memo hands out the
 *                  same frozen object to every grab, so no caller can change what the next sees.
 */
import type { ClaimRecord } from '../packets/packet-store.js';
import { decodeClaim, decodeStaticPacket, type StaticPacket } from './codec.js';

/** Static records kept at most; the memo starts over when full (packets grabbed right now fit). */
export const STATIC_MEMO_MAX = 1024;

const statics = new Map<string, Readonly<StaticPacket>>();

/** A packet's static record (codec.ts decodeStaticPacket), decoded once per distinct JSON text. */
export function staticOfGrab(json: string): Readonly<StaticPacket> {
  const known = statics.get(json);
  if (known) return known;
  const record = Object.freeze(decodeStaticPacket(json));
  if (statics.size >= STATIC_MEMO_MAX) statics.clear();
  statics.set(json, record);
  return record;
}

/** A claim as the grab scripts encode it (lua/_packet-claim.lua), `seq` dropped. */
export function claimOfGrab(json: string): ClaimRecord {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    v = undefined;
  }
  if (isClaim(v)) {
    const { claimId, packetId, userId, name, amount, at } = v;
    return { claimId, packetId, userId, name, amount, at };
  }
  // Does not fit: the schema's decoder throws the error that says why.
  const { seq: _seq, ...claim } = decodeClaim(json);
  return claim;
}

function isClaim(v: unknown): v is ClaimRecord & { seq: number } {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    typeof c.claimId === 'string' &&
    typeof c.packetId === 'string' &&
    typeof c.userId === 'string' &&
    typeof c.name === 'string' &&
    typeof c.amount === 'number' &&
    typeof c.at === 'number' &&
    typeof c.seq === 'number'
  );
}
