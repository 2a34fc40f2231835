/**
 * socket.io's four typed event maps. The server uses them as
 * `Server<ClientToServerEvents, ServerToClientEvents, …>`; the SDK uses them reversed as
 * `Socket<ServerToClientEvents, ClientToServerEvents>`.
 */
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
  PacketSendPayload,
  Role,
  RoomJoinPayload,
  RoomLeavePayload,
  TimeSyncPayload,
} from '../schemas.js';
import type {
  AckFn,
  ChatMessage,
  DropView,
  ListenProgress,
  ListenedEntry,
  NearbyResult,
  PacketFinishedEvent,
  PacketGrabbedEvent,
  PacketReceivedEvent,
  PacketView,
  PhraseGrab,
  RainEndedEvent,
  RainView,
  RoomSnapshot,
} from './views.js';

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
  /**
   * Hands the connection a fresh token of the same user: step-up after VERIFICATION_REQUIRED,
   * and renewal after `auth:expired` (the connection's expiry becomes the new token's).
   */
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
  /**
   * The connection's token has expired: send a fresh one with `auth:refresh` within
   * `graceMs`, or the server closes the connection (TOKEN_EXPIRY_GRACE_MS).
   */
  'auth:expired': (event: { expiredAt: number; graceMs: number }) => void;
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
  /** When the connection's token expires (its `exp`, ms epoch); `auth:refresh` moves it on. */
  expiresAt?: number;
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
