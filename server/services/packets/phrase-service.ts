/**
 * Password packets (口令红包): a room member who says a packet's phrase in chat grabs a share
 * with that same chat line. The room's phrase index (Store.codes) finds the packets; the grab
 * presents the phrase and the store checks it (domain/claim-gate.ts), so a `packet:grab`
 * without it stays LOCKED and the usual claim key keeps it to one share per user.
 */
import type { PhraseGrab, UserRef } from '@red-packet/sdk/protocol';
import { normalizePhrase, PHRASE_MAX } from '@red-packet/sdk/schemas';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Store } from '../../store/store.js';
import type { ClaimVia } from '../risk/claim-risk.js';
import { toAckError } from '../runtime/ack-errors.js';
import type { PacketService } from './packet-service.js';

export class PhraseService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly packets: PacketService,
    private readonly log: Logger,
  ) {}

  /**
   * Grabs every open password packet of the room whose phrase is `text` (normalised) for
   * `user`; one result per packet, an empty list when the line is no phrase. A refusal
   * (ALREADY_GRABBED, PACKET_EMPTY, …) is a result, not a failure: the chat line stands.
   */
  async grabByChat(user: UserRef, roomId: string, text: string, via: ClaimVia = {}): Promise<PhraseGrab[]> {
    const phrase = normalizePhrase(text);
    if (phrase.length === 0 || phrase.length > PHRASE_MAX) return [];
    const ids = await this.store.codes.findPhrase(roomId, phrase, this.clock.now());
    const grabs = await Promise.all(
      ids.map(async (packetId): Promise<PhraseGrab> => {
        try {
          return { packetId, ok: true, ...(await this.packets.grab(user, packetId, { phrase }, via)) };
        } catch (err) {
          return { packetId, ok: false, error: toAckError(err, this.log, { packetId, via: 'phrase' }) };
        }
      }),
    );
    // An index entry whose packet was never created (write-ahead, then a failure) is no packet.
    return grabs.filter((g) => g.ok || g.error.code !== 'NOT_FOUND');
  }
}
