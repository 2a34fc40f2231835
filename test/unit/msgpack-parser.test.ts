import { pack, Packr } from 'msgpackr';
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

  describe('only plain data gets through (issue 23)', () => {
    const event = (payload: unknown) => ({ type: 2, nsp: '/', data: ['packet:grab', payload] });
    const cyclic: Record<string, unknown> = { packetId: 'pk_1' };
    cyclic.self = cyclic;
    const nested = (depth: number): unknown => (depth === 0 ? 'x' : [nested(depth - 1)]);

    it.each([
      ['a cycle (structured-clone references)', new Packr({ structuredClone: true }).pack(event(cyclic))],
      ['a Set', new Packr({ moreTypes: true }).pack(event(new Set([1, 2])))],
      ['a Map', new Packr({ mapsAsObjects: false, useRecords: false }).pack(event(new Map([[{ a: 1 }, 2]])))],
      ['an Error', new Packr({ moreTypes: true }).pack(event(new Error('boom')))],
      ['a RegExp', new Packr({ moreTypes: true }).pack(event(/x/))],
      ['a Date', pack(event(new Date(0)))],
      ['a BigInt', pack(event(2n ** 60n))],
      [
        'a typed array other than bytes',
        new Packr({ moreTypes: true }).pack(event(new Float64Array([1, 2]))),
      ],
      ['nesting deeper than 32 levels', pack(event(nested(40)))],
    ])('refuses %s', (_label, frame) => {
      expect(() => decodeAll(frame)).toThrow();
    });

    it('keeps undefined fields and byte strings', () => {
      const packet = {
        type: 3,
        nsp: '/',
        id: 1,
        data: [{ ok: true, balance: undefined, bytes: new Uint8Array([1, 2]) }],
      };
      const [decoded] = decodeAll(new Encoder().encode(packet)[0]) as [{ data: [Record<string, unknown>] }];
      expect(decoded.data[0].ok).toBe(true);
      expect(decoded.data[0].balance).toBeUndefined();
      expect(Array.from(decoded.data[0].bytes as Uint8Array)).toEqual([1, 2]);
    });
  });
});
