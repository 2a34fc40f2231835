/**
 * The risk side of location fences. A claimer's location is whatever their client reports:
 * a rooted phone, an emulator or a desktop browser's developer tools can claim to stand
 * anywhere, so a fence keeps honest people honest and raises the cost of claiming from afar;
 * it proves nothing. What the server can do is keep evidence and make probing expensive:
 *
 *   - every claim on a fenced packet that presents a location is logged with the packet (who,
 *     the reported point and accuracy, the distance, the verdict), for operators
 *     (GET /v1/admin/packets/:packetId/locations);
 *   - a refusal is OUT_OF_AREA, which counts toward the grab-failure cooldown like any failed
 *     grab (risk-service.ts), so walking a fake location towards the centre is rate-limited;
 *   - one user refused FENCE_PROBE_FLAG_AT times on one packet raises a `fence-probe` flag
 *     in the operator's risk view, with the nearest distance they reported.
 *
 * Recording never fails a claim: errors are logged, and the claim's answer stands.
 */
import type { FenceAttemptView } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { RiskStore } from '../../store/risk/risk-store.js';
import type { Store } from '../../store/store.js';
import type { FenceAttemptEvent } from '../packets/packet-service.js';
import type { RiskService } from '../risk/risk-service.js';

/** Attempts an operator sees per packet. */
const ATTEMPTS_SHOWN = 200;

export class FenceAudit {
  constructor(
    private readonly store: Store,
    private readonly riskStore: RiskStore,
    private readonly risk: RiskService,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Refused attempts per user and packet that raise a flag (0: never). */
    private readonly probeFlagAt: number,
  ) {}

  /** Logs one attempt (and flags a prober). Never rejects. */
  async record(e: FenceAttemptEvent): Promise<void> {
    const at = this.clock.now();
    const attempt = {
      userId: e.user.userId,
      lat: e.location.lat,
      lng: e.location.lng,
      accuracyM: e.location.accuracyM,
      distanceM: Math.round(e.distanceM),
      inside: e.inside,
      at,
    };
    try {
      const refused = await this.store.fences.recordAttempt(e.packetId, attempt, e.expiresAt);
      if (e.inside || this.probeFlagAt === 0 || refused !== this.probeFlagAt) return;
      this.risk.count('fence-probe', 'flag');
      await this.riskStore.raiseFlag({
        id: `fence-probe:${e.packetId}:${e.user.userId}`,
        rule: 'fence-probe',
        userIds: [e.user.userId],
        evidence: {
          sourceId: e.packetId,
          refused,
          lastDistanceM: attempt.distanceM,
          lastAccuracyM: attempt.accuracyM,
        },
        at,
      });
    } catch (err) {
      this.log.warn({ err, packetId: e.packetId, userId: e.user.userId }, 'could not record a fence attempt');
    }
  }

  /** The packet's claim-location log, newest first. */
  async attempts(packetId: string): Promise<FenceAttemptView[]> {
    return (await this.store.fences.attempts(packetId, ATTEMPTS_SHOWN)).map((a) => ({ ...a }));
  }
}
