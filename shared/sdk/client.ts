/**
 * RedPacketClient: the one client of this server, used by the web page, the tests and the
 * load tests. Typed promise methods for every client→server event, msgpack on the wire by
 * default, rooms re-joined after a reconnect, and a server clock estimate from `time:sync`.
 *
 *   const client = new RedPacketClient({ url, token });
 *   await client.connect();
 *   const room = await client.join('lobby');
 *   client.on('packet:created', (p) => client.grab(p.id));
 */
import { io, type Socket } from 'socket.io-client';
import { isErrorCode } from '../codes.js';
import type {
  ClaimLocation,
  AckError,
  ClientEventName,
  ClientToServerEvents,
  EventPayload,
  EventResult,
  RoomSnapshot,
  ServerEventName,
  ServerToClientEvents,
} from '../protocol.js';
import { ClockSync } from './clock-sync.js';
import { errorDetails, RedPacketError } from './errors.js';
import {
  listenToUnlock,
  type ListenOptions,
  type ListenSession,
  type PlaybackSource,
} from './karaoke-listener.js';
import * as msgpackParser from './msgpack-parser.js';
import { rejoinRooms, type RejoinFailure } from './rejoin.js';

export type WireFormat = 'msgpack' | 'json';

export interface RedPacketClientOptions {
  /** Server base URL, e.g. `http://localhost:3000`. */
  url: string;
  /**
   * JWT, or a function fetching a fresh one (called on every (re)connect, and when the
   * server says the connection's token expired: `auth:expired`, answered with `auth:refresh`).
   */
  token: string | (() => string | Promise<string>);
  /** @default 'msgpack' — must match the server's WIRE_FORMAT */
  wireFormat?: WireFormat;
  /** How long to wait for an ack before failing with TIMEOUT. @default 10000 */
  ackTimeoutMs?: number;
  /** First reconnect delay; doubles per attempt up to `reconnectMaxMs`. @default 500 */
  reconnectDelayMs?: number;
  /** @default 10000 */
  reconnectMaxMs?: number;
  /** Random spread of each reconnect delay, 0..1. @default 0.5 */
  reconnectJitter?: number;
  /** Local clock, injectable for tests. @default Date.now */
  now?: () => number;
  /** A stable id of this device, sent in the handshake for risk control (account clustering). */
  deviceId?: string;
  /**
   * Step-up verification: called when the server answers VERIFICATION_REQUIRED; sign the user
   * in again and resolve with the fresh token. The SDK hands it to the server (`auth:refresh`)
   * and retries the request once. Without it, the request rejects with VERIFICATION_REQUIRED
   * and the app can do the same itself with `reauthenticate`.
   */
  onVerificationRequired?: () => string | Promise<string>;
}

type Listener<E extends ServerEventName> = ServerToClientEvents[E];

/** Called after a reconnect: the rooms re-joined, and those that could not be (see rejoin.ts). */
export type RejoinListener = (snapshots: RoomSnapshot[], failures: RejoinFailure[]) => void;

/** An ack as it arrives, before it is trusted. */
type RawAck = { ok: true; [key: string]: unknown } | { ok: false; error: AckError | undefined };

export class RedPacketClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly clock = new ClockSync();
  private readonly rooms = new Set<string>();
  private readonly ackTimeoutMs: number;
  private readonly now: () => number;
  private readonly rejoinListeners = new Set<RejoinListener>();
  /** Bumped on every connect and disconnect: a re-join belongs to one connection. */
  private connection = 0;
  private connectedOnce = false;
  private readonly onVerificationRequired: (() => string | Promise<string>) | undefined;

  constructor(options: RedPacketClientOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    const { token, deviceId } = options;
    this.onVerificationRequired = options.onVerificationRequired;
    this.socket = io(options.url, {
      transports: ['websocket'],
      autoConnect: false,
      reconnectionDelay: options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectMaxMs ?? 10_000,
      randomizationFactor: options.reconnectJitter ?? 0.5,
      ...(options.wireFormat === 'json' ? {} : { parser: msgpackParser }),
      auth: (cb) => {
        void Promise.resolve(typeof token === 'function' ? token() : token).then(
          (t) => cb({ token: t, ...(deviceId ? { deviceId } : {}) }),
          () => cb({ token: '' }),
        );
      },
    });
    this.socket.on('connect', () => {
      this.connection += 1;
      if (this.connectedOnce) void this.rejoin();
      this.connectedOnce = true;
    });
    this.socket.on('disconnect', () => {
      this.connection += 1;
    });
    // Without a provider there is nothing fresh to hand over: the server closes the connection
    // after its grace period.
    if (typeof token === 'function')
      this.socket.on('auth:expired', () => {
        void Promise.resolve()
          .then(token)
          .then((fresh) => this.reauthenticate(fresh))
          .catch(() => undefined);
      });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Rooms this client is in (and will re-join after a reconnect). */
  get joinedRooms(): ReadonlySet<string> {
    return this.rooms;
  }

  /** Connects; rejects with CONNECT_FAILED (message = server's reason, e.g. UNAUTHORIZED). */
  connect(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onConnect = (): void => {
        this.socket.off('connect_error', onError);
        resolve();
      };
      const onError = (err: Error & { data?: unknown }): void => {
        this.socket.off('connect', onConnect);
        // A refusal by the server's middleware is final; network errors retry by themselves.
        if (err.data !== undefined || !this.socket.active) {
          const data = err.data as { message?: unknown } | undefined;
          const details = typeof data?.message === 'string' ? { reason: data.message } : {};
          reject(new RedPacketError('CONNECT_FAILED', err.message, details));
        } else {
          this.socket.once('connect_error', onError);
          this.socket.once('connect', onConnect);
        }
      };
      this.socket.once('connect', onConnect);
      this.socket.once('connect_error', onError);
      this.socket.connect();
    });
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    this.socket.disconnect();
  }

  /** Subscribes to a server event; returns the unsubscribe function. */
  on<E extends ServerEventName>(event: E, listener: Listener<E>): () => void {
    // socket.io-client's typed `on` needs the listener as its own event's type.
    const s = this.socket as unknown as {
      on(e: string, l: Listener<E>): void;
      off(e: string, l: Listener<E>): void;
    };
    s.on(event, listener);
    return () => s.off(event, listener);
  }

  /**
   * Resolves with the first `event` whose arguments satisfy `match` (rejects with TIMEOUT).
   * Subscribe before triggering what emits it.
   */
  waitFor<E extends ServerEventName>(
    event: E,
    match: (...args: Parameters<Listener<E>>) => boolean = () => true,
    timeoutMs = this.ackTimeoutMs,
  ): Promise<Parameters<Listener<E>>[0]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new RedPacketError('TIMEOUT', `no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(event, ((...args: Parameters<Listener<E>>) => {
        if (!match(...args)) return;
        clearTimeout(timer);
        off();
        resolve(args[0]);
      }) as Listener<E>);
    });
  }

  /**
   * Called after each reconnect with the snapshots of the rooms re-joined (transient refusals
   * are retried first) and the rooms that could not be; those are re-joined again after the
   * next reconnect, or by calling `join`.
   */
  onRejoin(listener: RejoinListener): () => void {
    this.rejoinListeners.add(listener);
    return () => this.rejoinListeners.delete(listener);
  }

  /**
   * Sends any event with any payload and resolves with the raw ack. For tests and tools that
   * must send what the typed methods would not; everything else uses the typed methods.
   */
  async emitRaw(event: string, payload: unknown): Promise<unknown> {
    const s = this.socket as unknown as {
      timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> };
    };
    try {
      return await s.timeout(this.ackTimeoutMs).emitWithAck(event, payload);
    } catch {
      throw new RedPacketError('TIMEOUT', `no ack for ${event} within ${this.ackTimeoutMs} ms`);
    }
  }

  /**
   * Sends a typed request; resolves with its result or rejects with the server's error. A
   * VERIFICATION_REQUIRED answer is retried once after `onVerificationRequired`, if given.
   */
  async request<E extends ClientEventName>(event: E, payload: EventPayload<E>): Promise<EventResult<E>> {
    try {
      return await this.requestOnce(event, payload);
    } catch (err) {
      const stepUp = this.onVerificationRequired;
      if (!(err instanceof RedPacketError) || err.code !== 'VERIFICATION_REQUIRED' || !stepUp) throw err;
      await this.reauthenticate(await stepUp());
      return this.requestOnce(event, payload);
    }
  }

  /**
   * Step-up: hands the server a fresh token of the same user (after a new sign-in), so sends
   * that answered VERIFICATION_REQUIRED go through. Resolves with the sign-in time it records.
   */
  async reauthenticate(token: string): Promise<number> {
    const { authTime } = await this.requestOnce('auth:refresh', { token });
    return authTime;
  }

  private async requestOnce<E extends ClientEventName>(
    event: E,
    payload: EventPayload<E>,
  ): Promise<EventResult<E>> {
    const ack = (await this.emitRaw(event, payload)) as RawAck | null;
    if (ack?.ok === true) {
      const { ok: _ok, ...result } = ack;
      return result as EventResult<E>;
    }
    if (!ack || typeof ack.error !== 'object')
      throw new RedPacketError('INTERNAL', `malformed ack for ${event}`);
    const { code: raw, message } = ack.error;
    const code = isErrorCode(raw) ? raw : 'INTERNAL';
    throw new RedPacketError(code, message, errorDetails(ack.error));
  }

  /**
   * Takes `samples` `time:sync` round trips and returns the estimated offset
   * (server − local, ms). `serverNow()` uses it.
   */
  async syncTime(samples = 5): Promise<number> {
    for (let i = 0; i < samples; i++) {
      const sentAt = this.now();
      const { serverTime } = await this.request('time:sync', {});
      this.clock.add(sentAt, serverTime, this.now());
    }
    return this.clock.offset;
  }

  /** The server's clock as this client estimates it, ms epoch. */
  serverNow(): number {
    return this.now() + this.clock.offset;
  }

  async join(roomId: string): Promise<RoomSnapshot> {
    const snapshot = await this.request('room:join', { roomId });
    this.rooms.add(roomId);
    return snapshot;
  }

  async leave(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    await this.request('room:leave', { roomId });
  }

  chat(roomId: string, text: string): Promise<EventResult<'chat:send'>> {
    return this.request('chat:send', { roomId, text });
  }

  sendPacket(payload: EventPayload<'packet:send'>): Promise<EventResult<'packet:send'>> {
    return this.request('packet:send', payload);
  }

  /**
   * Grabs a share. A location-fenced packet (`packet.fence`) needs `location` — where you are,
   * e.g. from `navigator.geolocation` — and answers OUT_OF_AREA (with `distanceM`, `radiusM`
   * in the error's details) from outside its fence; a fenced packet needs no room. When the
   * ack carries the new balance, `wallet:updated` listeners hear it from here (the server
   * sends the notice only to this user's other connections).
   */
  async grab(
    packetId: string,
    options: { location?: ClaimLocation } = {},
  ): Promise<EventResult<'packet:grab'>> {
    const result = await this.request(
      'packet:grab',
      options.location ? { packetId, location: options.location } : { packetId },
    );
    if (typeof result.balance === 'number') {
      const notice = { balance: result.balance };
      for (const listener of this.socket.listeners('wallet:updated')) listener(notice);
    }
    return result;
  }

  /** Open location-fenced packets near a point, nearest first (radiusM default 1000 m, limit 20). */
  nearby(search: EventPayload<'packet:nearby'>): Promise<EventResult<'packet:nearby'>> {
    return this.request('packet:nearby', search);
  }

  /** Takes back your timed packet before it opens; all of it returns to your wallet. */
  cancelPacket(packetId: string): Promise<EventResult<'packet:cancel'>> {
    return this.request('packet:cancel', { packetId });
  }

  /** Claims a share of a code packet with a scanned code; no room needed (a fenced one needs `location`). */
  claimCode(code: string, options: { location?: ClaimLocation } = {}): Promise<EventResult<'code:claim'>> {
    return this.request('code:claim', options.location ? { code, location: options.location } : { code });
  }

  /** Opens an exclusive packet paid to your receive code (announced by `packet:received`). */
  openPacket(packetId: string): Promise<EventResult<'packet:open'>> {
    return this.request('packet:open', { packetId });
  }

  /** Schedules a rain (hosts and admins); the budget leaves the wallet at once. */
  scheduleRain(payload: EventPayload<'rain:schedule'>): Promise<EventResult<'rain:schedule'>> {
    return this.request('rain:schedule', payload);
  }

  /** Stops a rain early and refunds what was not paid (its host or an admin). */
  cancelRain(rainId: string): Promise<EventResult<'rain:cancel'>> {
    return this.request('rain:cancel', { rainId });
  }

  /** Grabs a falling drop (ids arrive in `rain:drops`). */
  grabDrop(rainId: string, dropId: string): Promise<EventResult<'drop:grab'>> {
    return this.request('drop:grab', { rainId, dropId });
  }

  /** Starts (or resumes after a reconnect) listening to a karaoke packet's song. */
  startListen(packetId: string): Promise<EventResult<'karaoke:start'>> {
    return this.request('karaoke:start', { packetId });
  }

  /** Reports the playback position; answers what the server has credited so far. */
  reportProgress(packetId: string, positionMs: number): Promise<EventResult<'karaoke:progress'>> {
    return this.request('karaoke:progress', { packetId, positionMs });
  }

  /** Drives a whole listen from a media element or any `{ currentTime }` (see karaoke-listener.ts). */
  listen(packetId: string, source: PlaybackSource, options?: ListenOptions): ListenSession {
    return listenToUnlock(this, packetId, source, options);
  }

  /** ms until `serverTime` by the server's clock (negative once it has passed). */
  msUntil(serverTime: number): number {
    return serverTime - this.serverNow();
  }

  private async rejoin(): Promise<void> {
    const connection = this.connection;
    const isCurrent = (): boolean => connection === this.connection && this.socket.connected;
    const { snapshots, failures } = await rejoinRooms(
      [...this.rooms],
      (roomId) => this.request('room:join', { roomId }),
      { isCurrent },
    );
    // A re-join overtaken by another reconnect is reported by that one.
    if (!isCurrent()) return;
    for (const listener of this.rejoinListeners) listener(snapshots, failures);
  }
}
