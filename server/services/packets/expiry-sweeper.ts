/**
 * Refunds expired packets. Every node runs one; expirePacket is idempotent, so nodes racing
 * for the same packet refund it once.
 */
import type { Clock } from '../../domain/clock.js';
import type { Store } from '../../store/store.js';
import type { PacketService } from './packet-service.js';

export class ExpirySweeper {
  /** @param batch packets expired per pass @default 200 */
  constructor(
    private readonly store: Store,
    private readonly packets: PacketService,
    private readonly clock: Clock,
    private readonly batch = 200,
  ) {}

  /** One pass: expires every packet due now (up to the batch size); returns how many. */
  async sweep(): Promise<number> {
    const due = await this.store.packets.listDueExpiries(this.clock.now(), this.batch);
    let expired = 0;
    for (const id of due) {
      if (await this.packets.expire(id)) expired += 1;
    }
    return expired;
  }
}
