import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from '@red-packet/sdk/msgpack-parser';

function decodeAll(frame: unknown): unknown[] {
  const d = new Decoder();
  const out: unknown[] = [];
  d.on('decoded', (p) => out.push(p));
  d.add(frame);
  return out;
}

describe('msgpack parser', () => {
  it('round-trips event and ack packets', () => {
    const packet = { type: 2, nsp: '/', id: 7, data: ['packet:grab', { packetId: 'pk_1' }] };
    const [frame] = new Encoder().encode(packet);
    expect(decodeAll(frame)).toEqual([packet]);
    const ack = { type: 3, nsp: '/', id: 7, data: [{ ok: true, amount: 88, remaining: 2 }] };
    expect(decodeAll(new Encoder().encode(ack)[0])).toEqual([ack]);
  });

  it('accepts ArrayBuffers (browsers) as well as Uint8Arrays', () => {
    const frame = new Encoder().encode({ type: 0, nsp: '/' })[0]!;
    const buffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength);
    expect(decodeAll(buffer)).toEqual([{ type: 0, nsp: '/' }]);
  });

  it.each([
    ['a text frame', 'hello'],
    ['garbage bytes', new Uint8Array([0xc1, 0xff, 0x00])],
    ['a non-object', pack(42)],
    ['an unknown type', pack({ type: 9, nsp: '/', data: [] })],
    ['a missing namespace', pack({ type: 2, data: ['x'] })],
    ['event data that is not an array', pack({ type: 2, nsp: '/', data: 'x' })],
    ['a fractional ack id', pack({ type: 2, nsp: '/', data: ['x'], id: 1.5 })],
    ['a disconnect with data', pack({ type: 1, nsp: '/', data: {} })],
  ])('refuses %s by throwing (socket.io then closes that connection)', (_label, frame) => {
    expect(() => decodeAll(frame)).toThrow();
  });
});
