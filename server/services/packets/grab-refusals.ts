/** How a grab the store refused is answered: the closed set of codes, one message each. */
import { GameError } from '../../domain/errors.js';
import { notOpenYet } from '../../domain/packet-opening.js';
import type { CreditedGrabOutcome } from '../../store/store.js';
import type { ExhaustedReason } from './packet-facts.js';

/** The answer to a grab of a packet known to be closed. */
export const closedError = (reason: ExhaustedReason): GameError =>
  reason === 'PACKET_EMPTY'
    ? new GameError('PACKET_EMPTY', 'all shares are taken')
    : new GameError('PACKET_EXPIRED', 'the packet has expired');

/** Whether a grab's refusal says the packet closed (for the grab queue). */
export const closedReasonOf = (err: unknown): ExhaustedReason | undefined =>
  err instanceof GameError && (err.code === 'PACKET_EMPTY' || err.code === 'PACKET_EXPIRED')
    ? err.code
    : undefined;

/** Refusals that need nothing but an answer (no cache to update, no attempt to log). */
export type PlainRefusal = Extract<
  CreditedGrabOutcome,
  { status: 'missing' | 'not-open' | 'already' | 'locked' | 'forbidden' }
>;

export function refusalOf(outcome: PlainRefusal, now: number): GameError {
  switch (outcome.status) {
    case 'missing':
      return new GameError('NOT_FOUND', 'no such packet');
    case 'not-open':
      return notOpenYet(outcome.opensAt, now);
    case 'already':
      return new GameError('ALREADY_GRABBED', `already grabbed ${outcome.claim.amount} fen from this packet`);
    case 'locked':
      return new GameError(
        'LOCKED',
        'locked: listen to the song first (karaoke:start, then karaoke:progress), or say the phrase in chat',
      );
    case 'forbidden':
      return new GameError('FORBIDDEN', 'this packet was paid to someone else’s receive code');
  }
}
