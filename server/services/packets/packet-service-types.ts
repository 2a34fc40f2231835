/**
 * What PacketService (packet-service.ts) is given and what it answers: its dependencies, a
 * grab's request and result, a send's options, and the fence attempts it reports.
 */
import type { ClaimLocation, ClaimRule, UserRef } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import type { FenceBounds } from '../../domain/geo-fence.js';
import type { PacketLimits } from '../../domain/packet-rules.js';
import type { RandomInt } from '../../domain/split.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';
import type { Payments } from '../money/payments.js';
import type { ClaimRisk } from '../risk/claim-risk.js';
import type { SendGate } from '../risk/risk-service.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { TextCheck } from '../screening/content-screen.js';
import type { GrabBatcher } from './grab-batcher.js';
import type { ExhaustedReason } from './packet-facts.js';

export interface PacketServiceDeps {
  store: Store;
  clock: Clock;
  broadcaster: Broadcaster;
  payments: Payments;
  grabs: GrabBatcher;
  metrics: Metrics;
  log: Logger;
  limits: PacketLimits & { packetTtlMs: number; packetMaxOpenDelayMs: number };
  randomInt?: RandomInt;
  /** Risk control: checks and counts a send before it is funded (RiskService.admitSend). */
  admitSend?: SendGate;
  /** Risk control: the gate every claim passes (RiskService.guardClaim). */
  claimRisk: ClaimRisk;
  /**
   * Content screening (services/screening/content-screen.ts) of the texts a packet carries: greeting,
   * password phrase, song title and link. Runs before anything is written or funded.
   */
  screenText?: TextCheck;
  /** Called when this node learns a packet ran out or expired (to tell the other nodes). */
  onClosed?: (packetId: string, reason: ExhaustedReason) => void;
  /** Location fences: the radius bounds and the most of a reported accuracy that is credited. */
  fence: FenceBounds & { accuracyCapM: number };
  /** Risk side: a claim on a fenced packet that presented a location (FenceAudit.record). Never rejects. */
  onFenceAttempt?: (attempt: FenceAttemptEvent) => Promise<void>;
}

/** A claim on a fenced packet with a location, as the fence judged it. */
export interface FenceAttemptEvent {
  packetId: string;
  user: UserRef;
  location: ClaimLocation;
  inside: boolean;
  distanceM: number;
  /** The packet's expiry (its claim-location log is kept a while past it). */
  expiresAt: number;
}

/** What a grab presents besides the user: a password packet's phrase, where the claimer is. */
export interface GrabRequest {
  /** The normalised chat line that asks for a password packet (phrase-service.ts). */
  phrase?: string;
  /** Required for a location-fenced packet (OUT_OF_AREA without it). */
  location?: ClaimLocation;
}

export interface GrabResult {
  amount: number;
  remaining: number;
  /** The grabber's balance after it, when a `conn` grab's credit landed in the grab step. */
  balance?: number;
}

/** What a packet made by another service (receive codes) sets beyond its spec. */
export interface SendOptions {
  /** The packet id, when the caller indexes it (`indexAhead`). */
  id?: string;
  /**
   * The caller's own index entry for the packet (a receive code's inbox), written with the
   * packet's indexes: once the money is held, before the packet is created.
   */
  indexAhead?: () => Promise<void>;
  /** Overrides the spec's claim rule (an exclusive packet paid to a receive code). */
  claim?: ClaimRule;
  /**
   * The caller has screened the texts already (a receive-code payment: the payer's greeting
   * before its write-ahead, the owner's note when the owner set it).
   */
  screened?: boolean;
}
