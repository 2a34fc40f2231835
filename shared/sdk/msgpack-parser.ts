/**
 * A socket.io parser that puts each packet on the wire as one MessagePack frame (msgpackr).
 * Both ends must use it: the server through its `parser` option, clients through the SDK.
 * Modelled on socket.io-msgpack-parser, with msgpackr instead of notepack.
 *
 * Contract: `Decoder.add` throws on anything that is not a well-formed socket.io packet of
 * plain data — objects, arrays, strings, numbers, booleans, null, undefined (msgpackr's
 * extension 0) and byte strings, at
 * most MAX_DEPTH deep; socket.io then closes that one connection. msgpackr's structured-clone
 * references (which can make cycles) are off, and whatever its extension types decode to
 * (Error, Set, Map, RegExp, Date, BigInt, typed arrays) is refused. Nothing here can take the
 * process down.
 */
import { Emitter } from '@socket.io/component-emitter';
import { Packr, Unpackr } from 'msgpackr';

/** socket.io protocol revision this parser speaks. */
export const protocol = 5;

const PacketType = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4 } as const;

// Plain maps, no record extension: every frame decodes on its own.
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  structuredClone: false,
  moreTypes: false,
});

/** Deepest nesting a frame may have (the protocol's payloads are a few levels deep). */
export const MAX_DEPTH = 32;

/** Throws unless `value` is plain data (see the contract above). */
function assertPlain(value: unknown, depth: number): void {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean')
    return;
  if (typeof value === 'number') return;
  if (typeof value !== 'object') throw new Error(`invalid value of type ${typeof value}`);
  if (depth >= MAX_DEPTH) throw new Error('packet nested too deep');
  if (Array.isArray(value)) {
    for (const item of value) assertPlain(item, depth + 1);
    return;
  }
  if (value instanceof Uint8Array) return; // a byte string (Buffer in Node)
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new Error('invalid value: not plain data');
  for (const key of Object.keys(value)) assertPlain((value as Record<string, unknown>)[key], depth + 1);
}

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
  assertPlain(decoded, 0);
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
