/**
 * A socket.io parser that puts each packet on the wire as one MessagePack frame (msgpackr).
 * Both ends must use it: the server through its `parser` option, clients through the SDK.
 * Modelled on socket.io-msgpack-parser, with msgpackr instead of notepack.
 *
 * Contract: `Decoder.add` throws on anything that is not a well-formed socket.io packet;
 * socket.io then closes that one connection. Nothing here can take the process down.
 */
import { Emitter } from '@socket.io/component-emitter';
import { Packr, Unpackr } from 'msgpackr';

/** socket.io protocol revision this parser speaks. */
export const protocol = 5;

const PacketType = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4 } as const;

// Plain maps, no record extension: every frame decodes on its own.
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isDataValid(p: Packet): boolean {
  switch (p.type) {
    case PacketType.CONNECT:
      return p.data === undefined || isObject(p.data);
    case PacketType.DISCONNECT:
      return p.data === undefined;
    case PacketType.CONNECT_ERROR:
      return typeof p.data === 'string' || isObject(p.data);
    default:
      return Array.isArray(p.data);
  }
}

function checkPacket(decoded: unknown): asserts decoded is Packet {
  if (!isObject(decoded)) throw new Error('invalid packet');
  const { type, nsp, id } = decoded;
  if (typeof type !== 'number' || !Number.isInteger(type) || type < 0 || type > 4) {
    throw new Error('invalid packet type');
  }
  if (typeof nsp !== 'string') throw new Error('invalid namespace');
  if (!isDataValid(decoded as unknown as Packet)) throw new Error('invalid payload');
  if (id !== undefined && !Number.isInteger(id)) throw new Error('invalid packet id');
}

export class Encoder {
  encode(packet: Packet): Uint8Array[] {
    return [packr.pack(packet)];
  }
}

export class Decoder extends Emitter<
  Record<string, never>,
  Record<string, never>,
  { decoded: (packet: Packet) => void }
> {
  add(chunk: unknown): void {
    let bytes: Uint8Array;
    if (chunk instanceof Uint8Array) bytes = chunk;
    else if (chunk instanceof ArrayBuffer) bytes = new Uint8Array(chunk);
    else throw new Error('msgpack parser: expected a binary frame');
    const decoded: unknown = unpackr.unpack(bytes);
    checkPacket(decoded);
    this.emitReserved('decoded', decoded);
  }

  /**
   * Nothing to release: every frame decodes on its own, so no partial packet is held.
   * (socket.io-client calls this on every (re)connect, while its own listeners stay.)
   */
  destroy(): void {
    // no buffered state
  }
}
