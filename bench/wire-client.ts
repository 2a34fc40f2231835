/**
 * The load generator's socket: socket.io's wire protocol (engine.io v4 over one WebSocket,
 * the project's msgpack parser) spoken directly on a `ws` socket, without socket.io-client.
 * The bench only needs acked requests, a few decoded events and a count of the rest, so a
 * frame costs the generator a WebSocket parse and a byte compare, not a client stack:
 *
 *   server → "0{…}" open   client → CONNECT {token}   server → CONNECT {sid}
 *   server → "2" ping      client → "3" pong
 *   client → EVENT [name, payload] id   server → ACK [reply] id
 *   server → EVENT [name, payload]  (decoded only when `name` is wanted)
 *
 * Identical broadcast frames reach every client of a thread, so a decoded frame is kept and
 * reused when the next frame has the same bytes (one decode per broadcast per thread).
 */
import { Packr, Unpackr } from 'msgpackr';
import WebSocket from 'ws';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
const CONNECT = 0;
const EVENT = 2;
const ACK = 3;
const CONNECT_ERROR = 4;
const TYPE_KEY = Buffer.from([0xa4, 0x74, 0x79, 0x70, 0x65]);

interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

export type EventListener = (payload: Record<string, unknown>) => void;

/** One decoded frame shared by every client of a thread that received the same bytes. */
let lastFrame: Buffer | null = null;
let lastPacket: Packet | null = null;

function decodeShared(frame: Buffer): Packet {
  if (lastFrame && lastPacket && lastFrame.equals(frame)) return lastPacket;
  lastPacket = unpackr.unpack(frame) as Packet;
  lastFrame = Buffer.from(frame);
  return lastPacket;
}

export class WireClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Record<string, unknown>) => void>();
  private readonly listeners = new Map<string, EventListener>();
  /** Event names as bytes, to spot a wanted frame without decoding it. */
  private wanted: { name: string; bytes: Buffer }[] = [];
  /** Frames seen but not decoded (room broadcasts nobody asked for). */
  dropped = 0;

  private constructor(private readonly ws: WebSocket) {}

  /** Opens a socket.io connection to `url` (http://host:port) with `token` in the handshake. */
  static connect(url: string, token: string, timeoutMs = 30_000): Promise<WireClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    const client = new WireClient(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timed out'));
      }, timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      ws.once('error', fail);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) {
          const text = data.toString('latin1');
          if (text === '2') ws.send('3');
          else if (text.startsWith('0')) ws.send(packr.pack({ type: CONNECT, nsp: '/', data: { token } }));
          return;
        }
        if (client.connected) {
          client.onFrame(data);
          return;
        }
        const packet = unpackr.unpack(data) as Packet;
        clearTimeout(timer);
        ws.off('error', fail);
        ws.on('error', () => undefined); // a reset after the run is not the generator's failure
        if (packet.type === CONNECT) {
          client.connected = true;
          resolve(client);
        } else {
          ws.terminate();
          reject(
            new Error(
              `connect refused: ${JSON.stringify(packet.type === CONNECT_ERROR ? packet.data : packet)}`,
            ),
          );
        }
      });
    });
  }

  private connected = false;

  private onFrame(frame: Buffer): void {
    // Acks are addressed to this client alone: decode them. Events: only when wanted.
    if (this.pending.size > 0 && !this.isEvent(frame)) {
      const packet = unpackr.unpack(frame) as Packet;
      if (packet.type === ACK && packet.id !== undefined) {
        const done = this.pending.get(packet.id);
        this.pending.delete(packet.id);
        done?.((packet.data as Record<string, unknown>[])[0] ?? {});
      }
      return;
    }
    for (const w of this.wanted) {
      const at = frame.indexOf(w.bytes);
      if (at >= 0 && at < 40) {
        const packet = decodeShared(frame);
        const [name, payload] = packet.data as [string, Record<string, unknown>];
        this.listeners.get(name)?.(payload);
        return;
      }
    }
    this.dropped += 1;
  }

  /** Whether a frame is an EVENT: the value after the map key "type" (fixstr a4 t y p e). */
  private isEvent(frame: Buffer): boolean {
    const at = frame.indexOf(TYPE_KEY);
    return at >= 0 && at < 16 && frame[at + TYPE_KEY.length] === EVENT;
  }

  /** Sends `event` with an ack; resolves with the ack object ({ ok, … }). */
  request(event: string, payload: unknown, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${event}: no ack in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.ws.send(packr.pack({ type: EVENT, nsp: '/', data: [event, payload], id }));
    });
  }

  /** Listens to one event (one listener per name); its frames are decoded from now on. */
  on(event: string, listener: EventListener): () => void {
    this.listeners.set(event, listener);
    this.wanted = [...this.listeners.keys()].map((name) => ({ name, bytes: Buffer.from(name) }));
    return () => {
      this.listeners.delete(event);
      this.wanted = this.wanted.filter((w) => w.name !== event);
    };
  }

  close(): void {
    this.ws.close();
  }
}
