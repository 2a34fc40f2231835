/**
 * The wire protocol: payload views and socket.io's four typed event maps.
 * The server uses the maps as `Server<ClientToServerEvents, ServerToClientEvents, …>`;
 * the SDK uses them reversed as `Socket<ServerToClientEvents, ClientToServerEvents>`.
 * docs/protocol.md is the prose for everything here.
 */
import type { ErrorCode } from './codes.js';
import type {
  ChatSendPayload,
  CodeClaimPayload,
  PacketOpenPayload,
  AuthRefreshPayload,
  DropGrabPayload,
  KaraokeProgressPayload,
  KaraokeStartPayload,
  RainCancelPayload,
  RainSchedulePayload,
  PacketCancelPayload,
  PacketGrabPayload,
  PacketNearbyPayload,
  Fence,
  ClaimLocation,
  PacketSendPayload,
  Role,
  RoomJoinPayload,
  RoomLeavePayload,
  TimeSyncPayload,
  Unlock,
} from './schemas.js';
import type { RainReport, ReplayBundle } from './rain-fairness.js';

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

export interface ClientToServerEvents {
  'time:sync': (payload: TimeSyncPayload, ack: AckFn<{ serverTime: number }>) => void;
  'room:join': (payload: RoomJoinPayload, ack: AckFn<RoomSnapshot>) => void;
  'room:leave': (payload: RoomLeavePayload, ack: AckFn<object>) => void;
  /** `grabs`: present when the line was the phrase of open password packets in the room. */
  'chat:send': (payload: ChatSendPayload, ack: AckFn<{ message: ChatMessage; grabs?: PhraseGrab[] }>) => void;
  'packet:send': (payload: PacketSendPayload, ack: AckFn<{ packet: PacketView }>) => void;
  /** `balance`: the grabber's new balance when the credit landed with the grab (one Redis or
   * the memory store); the SDK then raises `wallet:updated` itself, and the server sends it
   * only to the user's other connections. */
  'packet:grab': (
    payload: PacketGrabPayload,
    ack: AckFn<{ amount: number; remaining: number; balance?: number }>,
  ) => void;
  /** Open location-fenced packets near a point, nearest first (no room needed). */
  'packet:nearby': (payload: PacketNearbyPayload, ack: AckFn<NearbyResult>) => void;
  /** The sender takes back a timed packet before it opens: all of it is refunded. */
  'packet:cancel': (payload: PacketCancelPayload, ack: AckFn<{ refunded: number }>) => void;
  'rain:schedule': (payload: RainSchedulePayload, ack: AckFn<{ rain: RainView }>) => void;
  'rain:cancel': (payload: RainCancelPayload, ack: AckFn<{ refunded: number }>) => void;
  'drop:grab': (payload: DropGrabPayload, ack: AckFn<{ amount: number }>) => void;
  'karaoke:start': (payload: KaraokeStartPayload, ack: AckFn<{ serverTime: number }>) => void;
  'karaoke:progress': (payload: KaraokeProgressPayload, ack: AckFn<ListenProgress>) => void;
  /** Claims a share of a code packet with one of its signed codes; no room needed. */
  'code:claim': (
    payload: CodeClaimPayload,
    ack: AckFn<{ packetId: string; amount: number; remaining: number }>,
  ) => void;
  /** Opens an exclusive packet paid to the caller's receive code. */
  'packet:open': (payload: PacketOpenPayload, ack: AckFn<{ amount: number; remaining: number }>) => void;
  /** Step-up: hands the connection a fresh token of the same user (after VERIFICATION_REQUIRED). */
  'auth:refresh': (payload: AuthRefreshPayload, ack: AckFn<{ authTime: number }>) => void;
}

export interface ServerToClientEvents {
  'chat:message': (message: ChatMessage) => void;
  'room:presence': (presence: { roomId: string; members: number }) => void;
  'packet:created': (packet: PacketView) => void;
  'packet:grabbed': (event: PacketGrabbedEvent) => void;
  'packet:finished': (event: PacketFinishedEvent) => void;
  'wallet:updated': (wallet: { balance: number }) => void;
  'rain:scheduled': (event: { rain: RainView; serverTime: number }) => void;
  'rain:started': (event: { rainId: string; roomId: string; serverTime: number }) => void;
  /** One message per room per tick with every drop released in that tick. */
  'rain:drops': (event: { rainId: string; serverTime: number; drops: DropView[] }) => void;
  /** Drops whose shares are all taken (batched per tick). */
  'rain:gone': (event: { rainId: string; dropIds: string[] }) => void;
  'rain:ended': (event: RainEndedEvent) => void;
  /** To the listener: their listening unlocked the packet. */
  'karaoke:unlocked': (event: { packetId: string; roomId: string }) => void;
  /** To the room: who finished whose song (coalesced, at most about once a second). */
  'karaoke:listened': (event: { roomId: string; listens: ListenedEntry[] }) => void;
  /** To a receive code's owner, on every node: someone paid them an exclusive packet. */
  'packet:received': (event: PacketReceivedEvent) => void;
}

/** Events between server nodes (through the adapter). */
export interface InterServerEvents {
  /** Risk control: a user was banned or unbanned; every node updates its cache (and kicks). */
  'risk:ban': (event: { userId: string; banned: boolean }) => void;
  /** Risk control: users who reached the daily received cap on `day`. */
  'risk:capped': (event: { day: string; userIds: string[] }) => void;
  /** Content screening: an operator reloaded the word lists on node `from`; re-read them here. */
  'screen:reload': (event: { from: string }) => void;
}

/** What the server keeps on each authenticated socket. */
export interface SocketData {
  userId: string;
  name: string;
  role: Role;
  /** When the user last signed in (token `auth_time`, else `iat`), ms epoch; step-up checks it. */
  authTime?: number;
  /** The client's address (X-Forwarded-For honoured only from TRUSTED_PROXIES). */
  ip?: string;
  /** The device id the client sent in the handshake (`auth.deviceId`), if any. */
  deviceId?: string;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

/** The payload type of a client→server event. */
export type EventPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];

/** The success result of a client→server event (the ack without `ok`). */
export type EventResult<E extends ClientEventName> = Parameters<
  Parameters<ClientToServerEvents[E]>[1]
>[0] extends infer A
  ? A extends { ok: true }
    ? Omit<A, 'ok'>
    : never
  : never;

/** JSON bodies of the HTTP API. */
export interface MeResponse extends UserRef {
  role: Role;
  balance: number;
}

export interface PacketDetails {
  packet: PacketView;
  claims: ClaimView[];
  bestLuck: ClaimView | null;
}

export interface AuditReport {
  /** True when `difference` is 0, there are no double claims and every ledger adds up. */
  balanced: boolean;
  minted: number;
  wallets: number;
  escrow: number;
  inFlight: number;
  /** minted − (wallets + escrow + inFlight). */
  difference: number;
  doubleClaims: number;
  /** Wallets whose balance differs from the sum of their ledger entries. */
  ledgerMismatches: number;
}

export interface HttpErrorBody {
  error: AckError;
}

/** Each server→client event's payload, by event (read by the AsyncAPI generator). */
export type ServerEventPayloads = {
  [E in ServerEventName]: Parameters<ServerToClientEvents[E]>[0];
};

/** Each client→server event's success result (the ack without `ok`), by event. */
export type ClientEventResults = {
  [E in ClientEventName]: EventResult<E>;
};

/**
 * The JSON body of each HTTP route's success answer, by `METHOD path` as the route declares
 * it (read by the OpenAPI generator, which fails on a route missing here). `string`: text.
 */
export interface HttpResults {
  'GET /healthz': { ok: true };
  'GET /readyz': { ok: true; store: 'memory' | 'redis' | 'cluster' };
  'GET /metrics': string;
  'GET /v1/me': MeResponse;
  'POST /v1/rooms/:roomId/packets': { packet: PacketView };
  'GET /v1/packets/:packetId': PacketDetails;
  'POST /v1/rooms/:roomId/rains': { rain: RainView };
  'GET /v1/rains/:rainId': RainDetails;
  'GET /v1/rains/:rainId/replay': ReplayBundle;
  'GET /v1/rains/:rainId/report': RainReport;
  'DELETE /v1/rains/:rainId': { refunded: number };
  'DELETE /v1/packets/:packetId': { refunded: number };
  'GET /v1/packets/nearby': NearbyResult;
  'GET /v1/admin/packets/:packetId/locations': { attempts: FenceAttemptView[] };
  'POST /v1/admin/wallets/:userId/credit': { balance: number; applied: boolean };
  'GET /v1/admin/audit': AuditReport;
  'POST /v1/dev/token': { token: string };
  'GET /v1/openapi.json': Record<string, unknown>;
  'GET /v1/asyncapi.json': Record<string, unknown>;
  'GET /v1/admin/screening': ScreeningStatus;
  'POST /v1/admin/screening/reload': ScreeningStatus;
}

/** One node's content-screening word lists (GET /v1/admin/screening, and a reload's answer). */
export interface ScreeningStatus {
  /** The node that answered (a reload reaches the others through the adapter). */
  nodeId: string;
  /** False when SCREEN_WORDLIST_PATH is `off`. */
  enabled: boolean;
  /** When this node last loaded its lists, ms epoch. */
  loadedAt: number;
  /** In priority order: a text hitting several lists is refused in the first one's name. */
  lists: {
    name: string;
    path: string;
    terms: number;
    /** First 16 hex digits of the file's SHA-256: equal across nodes means the same file. */
    version: string;
  }[];
}
