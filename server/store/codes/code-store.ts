/**
 * The store's part for claim codes (issue 11), apart from the packet store: receive codes
 * (收款码) with their revocation version, the inbox of exclusive packets paid to a receive
 * code, and the per-room index of password packets' phrases. MemoryCodes and RedisCodes
 * implement it; Store.codes exposes it.
 *
 * Nothing here moves money or decides a claim: exclusive ownership and phrases are enforced
 * by the packet's own `grab` (domain/claim-gate.ts). The inbox and the phrase index are
 * indexes written *before* the packet they point at (write-ahead), so a crash leaves an entry
 * pointing at nothing — readers skip those — never a packet nobody can find. PacketService
 * writes them once the payer's money is held, so a send refused for funds writes nothing
 * here; only a store failure between the hold and the packet leaves an entry behind.
 *
 * Every read is bounded by what it asks for: an inbox keeps its newest INBOX_CAP entries, and
 * a phrase lookup reads the packets with exactly that phrase, never the room's other phrases.
 *
 * Slots: a user's receive code and inbox share the user's wallet tag `{u:<userId>}`; a room's
 * phrase index the room's tag `{r:<roomId>}`. Each method touches one slot.
 */
import type { UserRef } from '@red-packet/sdk/protocol';

/** One version of a user's receive code. */
export interface ReceiveCodeRecord {
  userId: string;
  /** The owner's display name when the code was issued (shown to payers). */
  name: string;
  /** 1 for the first code; each renewal adds 1 and revokes every lower version. */
  version: number;
  /** Fixed amount in fen (a shop's code), or null when the payer chooses. */
  amount: number | null;
  note: string;
  issuedAt: number;
}

export interface ReceiveCodeSpec {
  amount: number | null;
  note: string;
}

/** A password packet's entry in its room's phrase index. */
export interface PhraseEntry {
  packetId: string;
  phrase: string;
  expiresAt: number;
}

/** Inbox entries kept per owner (the oldest go first). */
export const INBOX_CAP = 1_000;

export interface CodeStore {
  /**
   * The user's current receive code; if they have none, atomically creates version 1 (no
   * amount, no note). Concurrent first calls agree on one version 1.
   */
  currentReceiveCode(user: UserRef, at: number): Promise<ReceiveCodeRecord>;

  /**
   * Atomically issues the next version with `spec`, revoking all earlier ones from now on.
   * Not idempotent: every call is a new code (that is what revoking asks for).
   */
  renewReceiveCode(user: UserRef, spec: ReceiveCodeSpec, at: number): Promise<ReceiveCodeRecord>;

  /** The user's current receive code, or null if they never had one. Read only. */
  getReceiveCode(userId: string): Promise<ReceiveCodeRecord | null>;

  /**
   * Lists `packetId` in the owner's inbox of exclusive packets, keeping the newest INBOX_CAP.
   * Idempotent.
   */
  addReceived(ownerId: string, packetId: string, at: number): Promise<void>;

  /** Drops entries from the owner's inbox. Idempotent; unknown ids are ignored. */
  removeReceived(ownerId: string, packetIds: string[]): Promise<void>;

  /** The owner's inbox, newest first, at most `limit` packet ids (some may be closed). */
  listReceived(ownerId: string, limit: number): Promise<string[]>;

  /**
   * Indexes a password packet under its (normalised) phrase in its room until `expiresAt`,
   * and forgets entries of that phrase that expired before `at`. Atomic and idempotent; what
   * an entry costs lapses with it (on Redis the phrase's key expires after its last entry).
   */
  indexPhrase(roomId: string, entry: PhraseEntry, at: number): Promise<void>;

  /**
   * Ids of the room's password packets with exactly this phrase not expired at `at`, soonest
   * expiry first. Reads that phrase's entries only: a room's other phrases cost it nothing.
   */
  findPhrase(roomId: string, phrase: string, at: number): Promise<string[]>;
}
