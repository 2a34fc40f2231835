/**
 * What clients see of the game: acks and their errors, users, chat, packets, claims, codes,
 * rains and drops, room snapshots, and the payloads of server→client events.
 * docs/protocol.md is the prose for everything here.
 */
import type { ErrorCode } from '../codes.js';
import type { Fence, ClaimLocation, Unlock } from '../schemas.js';

export type { Unlock, Fence, ClaimLocation };

export interface AckError {
  code: ErrorCode;
  message: string;
  /** Risk refusals: which limit or rule refused (e.g. `daily-sent-fen`, `breaker`). */
  limit?: string;
  /** Risk refusals: when the limit resets, ms epoch. */
  resetAt?: number;
  /** NOT_OPEN_YET: when the timed packet opens (server ms epoch), and how long that is from now. */
  opensAt?: number;
  opensInMs?: number;
  /** CURFEW: when the minors' curfew lifts (server ms epoch). */
  liftsAt?: number;
  /** OUT_OF_AREA: the claimer's great-circle distance from the fence's centre, whole metres (absent without a location). */
  distanceM?: number;
  /** OUT_OF_AREA: the fence's radius, metres. */
  radiusM?: number;
  /** RATE_LIMITED / RISK_BLOCKED / DAILY_LIMIT / CURFEW: how long to wait before retrying, ms. */
  retryAfterMs?: number;
  /** CONTENT_BLOCKED: the word list the text hit (never the term). */
  list?: string;
}

/** What a refusal carries besides its code and message (every field optional). */
export type AckErrorDetails = Omit<AckError, 'code' | 'message'>;

/** Every client→server event is acknowledged with exactly one of these. */
export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: AckError };

export type AckFn<T extends object> = (res: Ack<T>) => void;

export interface UserRef {
  userId: string;
  name: string;
}

export interface ChatMessage extends UserRef {
  id: string;
  roomId: string;
  text: string;
  /** Server time, ms epoch. */
  at: number;
}

export type PacketKind = 'lucky' | 'equal';

/**
 * Who may claim a packet. `room`: members of its room (`packet:grab`). `code`: those, and
 * anyone signed in with one of its signed codes (`code:claim`). `exclusive`: a packet paid to a
 * receive code (收款码); only `ownerId` can open it (`packet:open`), else it is refunded.
 */
export type ClaimRule =
  | { type: 'room' }
  | { type: 'code' }
  | { type: 'exclusive'; ownerId: string; ownerName: string; note: string };
/** `cancelled`: a timed packet its sender took back before it opened (full refund). */
export type PacketStatus = 'open' | 'finished' | 'expired' | 'cancelled';

/** A group packet as clients see it. Amounts are integer fen. */
export interface PacketView {
  id: string;
  roomId: string;
  senderId: string;
  senderName: string;
  kind: PacketKind;
  /** Total money in the packet (for equal packets: amount × count). */
  total: number;
  count: number;
  greeting: string;
  createdAt: number;
  /** Timed packets: when grabbing opens (server ms epoch); null for packets open at once. */
  opensAt: number | null;
  /** 24 h (PACKET_TTL_MS) after the opening. */
  expiresAt: number;
  status: PacketStatus;
  remainingCount: number;
  /** Karaoke packets: the song to listen to; password packets: the phrase; else null. */
  unlock: Unlock | null;
  /** Who may claim it; absent means `{ type: 'room' }`. */
  claim?: ClaimRule;
  /**
   * Location-fenced packets: only claimers inside this circle (with a location) may claim it,
   * whether or not they joined its room; it is listed by `packet:nearby`. Absent: no fence.
   */
  fence?: Fence;
}

/** A location-fenced packet found by a nearby search, with how far its centre is. */
export interface NearbyPacket {
  packet: PacketView;
  /** Great-circle distance from the searched point to the fence's centre, whole metres. */
  distanceM: number;
}

/** The answer of `packet:nearby` and GET /v1/packets/nearby. */
export interface NearbyResult {
  /** Open fenced packets whose centre is within the searched radius, nearest first. */
  packets: NearbyPacket[];
  serverTime: number;
}

/** One claim attempt on a fenced packet, as the risk log keeps it (operators only). */
export interface FenceAttemptView {
  userId: string;
  /** The location the claimer reported (never verified: it can be spoofed). */
  lat: number;
  lng: number;
  accuracyM: number;
  /** Great-circle distance to the fence's centre, whole metres. */
  distanceM: number;
  /** Whether the fence let the claim through (it may still have found no share). */
  inside: boolean;
  at: number;
}

/** A packet's signed code, for a QR (GET /v1/packets/:id/code, POST …/static-code). */
export interface PacketCodeView {
  packetId: string;
  code: string;
  /** The short claim page for the code, relative to the server (`/c/<code>`). */
  path: string;
  /** `rotating`: replaced every `rotateMs`; `static`: one code until `expiresAt`. */
  kind: 'rotating' | 'static';
  /** Rotating: when this window ends (the code is accepted one window longer); static: its expiry. */
  expiresAt: number;
  rotateMs: number | null;
  serverTime: number;
}

/** A user's receive code (收款码): scanning it opens "send a red packet to X". */
export interface ReceiveCodeView {
  code: string;
  /** The short pay page for the code, relative to the server (`/r/<code>`). */
  path: string;
  /** Bumped by every new code; older codes are revoked. */
  version: number;
  /** A fixed amount (a shop's code), fen, or null when the payer chooses. */
  amount: number | null;
  note: string;
  issuedAt: number;
}

/** What a scanned receive code says (GET /v1/receive-codes/:code). */
export interface ReceiveCodeInfo {
  owner: UserRef;
  amount: number | null;
  note: string;
}

/** An exclusive packet paid to the caller's receive code. */
export interface PacketReceivedEvent {
  packet: PacketView;
  from: UserRef;
}

/** The result of one grab a chat line made by saying a password packet's phrase. */
export type PhraseGrab = { packetId: string } & (
  { ok: true; amount: number; remaining: number } | { ok: false; error: AckError }
);

/** How far a user's listen of a karaoke packet's song has got. */
export interface ListenProgress {
  /** Song ms heard, as credited by the server. */
  creditedMs: number;
  unlocked: boolean;
}

/** A packet in a room snapshot, with what the caller grabbed (null if nothing). */
export interface PacketSnapshot extends PacketView {
  mine: { amount: number } | null;
  /** Karaoke packets: the caller's listen so far (null if not started or not karaoke). */
  listen: ListenProgress | null;
}

/** Someone finished a karaoke packet's song. */
export interface ListenedEntry extends UserRef {
  packetId: string;
  songTitle: string;
  /** Whose packet (song) it was. */
  senderId: string;
  senderName: string;
}

export interface ClaimView extends UserRef {
  amount: number;
  at: number;
}

export type RainStatus = 'scheduled' | 'running' | 'ended' | 'cancelled';

export type RainMode = 'race' | 'lottery';

/** A rain as clients see it (never its seed or unreleased drops). Amounts are fen. */
export interface RainView {
  id: string;
  roomId: string;
  hostId: string;
  hostName: string;
  total: number;
  drops: number;
  sharesPerDrop: number;
  split: 'lucky' | 'equal';
  /** Server time the first drops may fall, ms epoch. */
  startAt: number;
  durationMs: number;
  dropTtlMs: number;
  maxGrabsPerUser: number | null;
  /** `lottery`: drawn per drop among the grabs in its window; `race`: first come (docs/fairness.md). */
  mode: RainMode;
  /** Lottery window length, ms (a drop's tickets are taken in [release + floor, + windowMs)). */
  windowMs: number;
  /** Grabs earlier than this after release are refused in lottery mode (flagged in both), ms. */
  reactionFloorMs: number;
  /** Most grab attempts per user per second in this rain. */
  maxTapsPerSec: number;
  /** Commitment: hex SHA-256 of the secret seed, published at scheduling (revealed at the end). */
  seedHash: string;
  status: RainStatus;
  /** Drops released so far. */
  released: number;
  paid: number;
  grabs: number;
  refunded: number;
  createdAt: number;
  endedAt: number | null;
}

/** A released drop. `ttlMs` is how long it can still be grabbed when the message was sent. */
export interface DropView {
  dropId: string;
  /** Horizontal position, 0 ≤ x < 1. */
  x: number;
  ttlMs: number;
  /** Shares the drop started with. */
  shares: number;
}

export interface LeaderboardEntry extends UserRef {
  amount: number;
  grabs: number;
}

export interface RainTotals {
  paid: number;
  refunded: number;
  grabs: number;
  /** Distinct users who won anything. */
  winners: number;
}

/** The room's active or scheduled rain, with what the caller has won so far. */
export interface RainSnapshot {
  rain: RainView;
  mine: { grabs: number; amount: number };
  /** Drops falling now that still have shares. */
  drops: DropView[];
}

export interface RoomSnapshot {
  roomId: string;
  serverTime: number;
  members: number;
  /** The most recent chat lines, oldest first (at most 50). */
  chat: ChatMessage[];
  /** Open packets in the room, oldest first. */
  packets: PacketSnapshot[];
  /** The room's running rain, else its next scheduled one, else null. */
  rain: RainSnapshot | null;
}

export interface RainDetails {
  rain: RainView;
  totals: RainTotals;
  leaderboard: LeaderboardEntry[];
}

export interface RainEndedEvent {
  rainId: string;
  roomId: string;
  /** `finished`: the last drop's window closed; `cancelled`: stopped early by its host. */
  reason: 'finished' | 'cancelled';
  totals: RainTotals;
  /** The top winners, best first (at most 10). */
  leaderboard: LeaderboardEntry[];
  /** The revealed secret seed: SHA-256 of it equals the rain's `seedHash` (docs/fairness.md). */
  seed: string;
}

/** One packet's grabs since the room's last `packet:grabbed`. */
export interface PacketGrabs {
  packetId: string;
  /** Who grabbed how much, in the order the server saw them. */
  grabs: ClaimView[];
  /** Shares left after these grabs. */
  remainingCount: number;
}

/**
 * Grabs in one room since the last such event (coalesced per room, about every 50 ms): one
 * entry per packet that was grabbed, however many packets are open.
 */
export interface PacketGrabbedEvent {
  roomId: string;
  packets: PacketGrabs[];
}

export interface PacketFinishedEvent {
  packetId: string;
  roomId: string;
  /**
   * `empty`: the last share was taken; `expired`: the remainder went back to the sender;
   * `cancelled`: its sender cancelled the timed packet before it opened (all of it went back).
   */
  reason: 'empty' | 'expired' | 'cancelled';
  /** Fen returned to the sender (0 when empty). */
  refunded: number;
  /** The largest share and who got it (lucky packets with at least one claim), else null. */
  bestLuck: ClaimView | null;
}
