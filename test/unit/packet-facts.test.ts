import { describe, expect, it } from 'vitest';
import { PacketFacts } from '../../server/services/packets/packet-facts.js';
import type { PacketRecord } from '../../server/store/store.js';

/** A store of packets by id whose reads the test counts. */
function facts(
  packets: Record<string, Pick<PacketRecord, 'id' | 'roomId' | 'fence' | 'claim'>>,
  capacity?: number,
) {
  const reads: string[] = [];
  const lookup = (id: string): Promise<PacketRecord | null> => {
    reads.push(id);
    return Promise.resolve((packets[id] as PacketRecord | undefined) ?? null);
  };
  return { facts: new PacketFacts(lookup, capacity), reads };
}

describe('PacketFacts', () => {
  it('reads a packet once, then answers its room, audience and claim rule from memory', async () => {
    const { facts: f, reads } = facts({
      a: { id: 'a', roomId: 'r1' },
      b: { id: 'b', roomId: 'r2', fence: { lat: 1, lng: 2, radiusM: 100 }, claim: { type: 'code' } },
    });
    expect(await f.of('a')).toEqual({ roomId: 'r1', fenced: false, claim: { type: 'room' } });
    expect(await f.of('a')).toEqual({ roomId: 'r1', fenced: false, claim: { type: 'room' } });
    expect(await f.find('b')).toEqual({ roomId: 'r2', fenced: true, claim: { type: 'code' } });
    expect(reads).toEqual(['a', 'b']);
  });

  it('does not remember a packet that does not exist', async () => {
    const { facts: f, reads } = facts({});
    expect(await f.find('x')).toBeNull();
    await expect(f.of('x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(reads).toEqual(['x', 'x']);
  });

  it('keeps an expiry over a later "empty"', () => {
    const { facts: f } = facts({});
    f.close('a', 'PACKET_EMPTY');
    expect(f.closed('a')).toBe('PACKET_EMPTY');
    f.close('a', 'PACKET_EXPIRED');
    f.close('a', 'PACKET_EMPTY');
    expect(f.closed('a')).toBe('PACKET_EXPIRED');
  });

  it('past capacity forgets the packet remembered first, whatever was read since', async () => {
    const { facts: f, reads } = facts({ a: { id: 'a', roomId: 'r' }, b: { id: 'b', roomId: 'r' } }, 2);
    await f.of('a');
    f.close('b', 'PACKET_EMPTY');
    await f.of('a');
    f.close('c', 'PACKET_EXPIRED'); // a third packet: `a` goes, though it was read last
    expect(f.closed('b')).toBe('PACKET_EMPTY');
    expect(f.closed('c')).toBe('PACKET_EXPIRED');
    await f.of('b'); // b's entry is kept and completed, not a new one
    expect(f.closed('b')).toBe('PACKET_EMPTY');
    await f.of('a');
    expect(reads).toEqual(['a', 'b', 'a']);
  });
});
