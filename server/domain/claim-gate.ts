/**
 * The gates in front of a packet's grab (docs/protocol.md, "Codes"). Whatever the path — a
 * room grab, a scanned code, a phrase said in chat, opening a packet paid to one's receive
 * code — the claim itself is the store's one `grab`, keyed by (packet, user), so nobody is
 * paid twice. What differs is who the store lets through, decided here (MemoryStore) and
 * mirrored line for line by server/store/lua/_packet-claim.lua, the claim fragment
 * packet-grab.lua and packet-grab-credit.lua share (RedisStore):
 *
 *   exclusive   only the owner of the receive code it was paid to        else `forbidden`
 *   karaoke     users who listened (unlocked by saveListen)              else `locked`
 *   phrase      users who unlocked it, or a grab presenting the phrase   else `locked`
 *   fence       a grab presenting a location inside it (geo-fence.ts),   else `outside`
 *               checked before the others; it applies to everyone, the owner included
 *
 * Code packets have no store gate: a valid code (checked by HMAC, no store call) only
 * replaces room membership, which the store does not track either.
 */
import type { ClaimRule, Fence, Unlock } from '@red-packet/sdk/protocol';
import type { FencePass } from './geo-fence.js';

export type GateVerdict = 'open' | 'locked' | 'forbidden';

export interface GatedPacket {
  unlock: Unlock | null;
  claim?: ClaimRule;
  fence?: Fence;
}

/** What a grab presents besides the user. */
export interface GrabPass {
  /** The normalised chat line (shared/schemas.ts normalizePhrase) that asks for the packet. */
  phrase?: string;
  /** Where the claimer says they are, accuracy already capped (needed for a fenced packet). */
  location?: FencePass;
}

/** Whether the store must look past the packet's plain fields before letting a grab through. */
export function isGated(packet: GatedPacket): boolean {
  return packet.unlock !== null || packet.claim?.type === 'exclusive' || packet.fence !== undefined;
}

export function grabGate(
  packet: GatedPacket,
  userId: string,
  unlockedForUser: boolean,
  pass: GrabPass = {},
): GateVerdict {
  if (packet.claim?.type === 'exclusive') return packet.claim.ownerId === userId ? 'open' : 'forbidden';
  if (!packet.unlock || unlockedForUser) return 'open';
  if (packet.unlock.type === 'phrase' && pass.phrase === packet.unlock.phrase) return 'open';
  return 'locked';
}
