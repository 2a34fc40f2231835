/**
 * A socket.io parser for the load generator: the msgpack parser's wire format, but frames
 * are only decoded when they matter — acks, connect packets, and events whose name is in
 * `wanted` — found by peeking at a frame's first bytes. Everything else (the room broadcasts
 * a crowd of clients would otherwise spend its CPU on) is counted and dropped, so the
 * generator is not the bottleneck it measures.
 */
import { Emitter } from '@socket.io/component-emitter';
import { Decoder as FullDecoder, Encoder, protocol } from '../shared/sdk/msgpack-parser.js';

const EVENT = 2;
/** msgpack str "type" (fixstr of 4). */
const TYPE_KEY = [0xa4, 0x74, 0x79, 0x70, 0x65];

function packetType(bytes: Uint8Array): number {
  outer: for (let i = 0; i < 16; i++) {
    for (let j = 0; j < TYPE_KEY.length; j++) if (bytes[i + j] !== TYPE_KEY[j]) continue outer;
    return bytes[i + TYPE_KEY.length] ?? -1;
  }
  return -1;
}

export function leanParser(wanted: string[]): {
  protocol: number;
  Encoder: typeof Encoder;
  Decoder: new () => unknown;
} {
  class LeanDecoder extends Emitter<
    Record<string, never>,
    Record<string, never>,
    { decoded: (packet: unknown) => void }
  > {
    static dropped = 0;
    private readonly full = new FullDecoder();

    constructor() {
      super();
      this.full.on('decoded', (packet) => this.emitReserved('decoded', packet));
    }

    add(chunk: unknown): void {
      const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk as ArrayBuffer);
      if (packetType(bytes) === EVENT) {
        const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(64, bytes.byteLength)).toString(
          'latin1',
        );
        if (!wanted.some((name) => head.includes(name))) {
          LeanDecoder.dropped += 1;
          return;
        }
      }
      this.full.add(bytes);
    }

    /** Nothing buffered (see the msgpack parser); listeners stay, as socket.io-client expects. */
    destroy(): void {
      // no buffered state
    }
  }
  return { protocol, Encoder, Decoder: LeanDecoder };
}
