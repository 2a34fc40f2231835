/**
 * What this node knows about packets that never changes once known, so the hot path (a grab's
 * audience check, a code claim's rule check, a grab of a closed packet) asks the store at most
 * once per packet:
 *
 *   fixed at creation  its room · whether it is location-fenced (a fenced packet is for whoever
 *                      is inside its fence, room member or not) · its claim rule
 *   learned, one way   that it closed, and why: open → PACKET_EMPTY → PACKET_EXPIRED, never
 *                      back (an expiry overrides an earlier "empty": an expired packet stays
 *                      expired). Learned from this node's grabs or from another node.
 *
 * Neither kind of fact can go stale, so nothing is ever invalidated: a remembered answer is the
 * store's answer. Only packets that exist are remembered (an unknown id is asked again).
 *
 * Eviction, the one rule: at most `capacity` packets are remembered; past that, the packet
 * remembered first is forgotten (insertion order; a read does not reorder, so a hit costs one
 * Map lookup). A forgotten packet costs one store read the next time it is asked about; a
 * forgotten "closed" costs one grab step in the store, which gives the same answer.
 */
import type { ErrorCode } from '@red-packet/sdk/codes';
import type { ClaimRule } from '@red-packet/sdk/protocol';
import { GameError } from '../../domain/errors.js';
import type { PacketRecord } from '../../store/store.js';

/** Why a packet is closed to grabs. */
export type ExhaustedReason = Extract<ErrorCode, 'PACKET_EMPTY' | 'PACKET_EXPIRED'>;

/** A packet's facts fixed at its creation. */
export interface PacketFact {
  readonly roomId: string;
  /** Location-fenced: its fence, checked in the grab step, decides who claims (not the room). */
  readonly fenced: boolean;
  readonly claim: ClaimRule;
  /** How many shares it was split into: the most that can be left (the grab queue's bound). */
  readonly shares?: number;
}

interface Known {
  fact?: PacketFact;
  closed?: ExhaustedReason;
}

const ROOM: ClaimRule = { type: 'room' };

export class PacketFacts {
  private readonly known = new Map<string, Known>();

  /**
   * @param lookup reads the packet from the store (null: no such packet)
   * @param capacity most packets remembered @default 100000
   */
  constructor(
    private readonly lookup: (packetId: string) => Promise<PacketRecord | null>,
    private readonly capacity = 100_000,
  ) {}

  /** Remembers a packet's fixed facts (at creation, or when it was read). */
  remember(
    packet: Pick<PacketRecord, 'id' | 'roomId' | 'fence' | 'claim'> & Partial<Pick<PacketRecord, 'count'>>,
  ): PacketFact {
    const fact: PacketFact = {
      roomId: packet.roomId,
      fenced: packet.fence !== undefined,
      claim: packet.claim ?? ROOM,
      ...(packet.count !== undefined ? { shares: packet.count } : {}),
    };
    this.entry(packet.id).fact = fact;
    return fact;
  }

  /** The packet's fixed facts if this node knows them already (no store read). */
  peek(packetId: string): PacketFact | undefined {
    return this.known.get(packetId)?.fact;
  }

  /** The packet's fixed facts, or null if there is no such packet. */
  async find(packetId: string): Promise<PacketFact | null> {
    const known = this.known.get(packetId)?.fact;
    if (known) return known;
    const packet = await this.lookup(packetId);
    return packet ? this.remember(packet) : null;
  }

  /** The packet's fixed facts (NOT_FOUND if there is no such packet). */
  async of(packetId: string): Promise<PacketFact> {
    const fact = await this.find(packetId);
    if (!fact) throw new GameError('NOT_FOUND', 'no such packet');
    return fact;
  }

  /** Why the packet is known to be closed, or undefined if it is not known to be. */
  closed(packetId: string): ExhaustedReason | undefined {
    return this.known.get(packetId)?.closed;
  }

  /** Records that the packet closed; an expiry is final (a later "empty" leaves it expired). */
  close(packetId: string, reason: ExhaustedReason): void {
    const entry = this.entry(packetId);
    if (entry.closed !== 'PACKET_EXPIRED') entry.closed = reason;
  }

  /** The packet's entry, made (and the first-remembered packet forgotten past capacity) if new. */
  private entry(packetId: string): Known {
    let entry = this.known.get(packetId);
    if (entry) return entry;
    entry = {};
    this.known.set(packetId, entry);
    if (this.known.size > this.capacity) {
      const first = this.known.keys().next();
      if (!first.done) this.known.delete(first.value);
    }
    return entry;
  }
}
