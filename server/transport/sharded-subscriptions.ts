/**
 * Keeps the sharded adapter's subscriptions (Redis Cluster, one SSUBSCRIBE per room channel)
 * alive across Redis trouble:
 *
 *  - a subscription asked for before the cluster client has connected fails (there is no slot
 *    table yet), and nothing would ever ask again;
 *  - after a master restarts, its subscriber connection must re-subscribe. node-redis 4.x did
 *    that with one SSUBSCRIBE for channels of several slots, which Redis refuses (CROSSSLOT),
 *    and looped on it forever — the node silently stopped hearing those rooms (node-redis#2902,
 *    caught by test/integration/redis-restart.test.ts; fixed in node-redis 5, which we use).
 *
 * So every subscription the adapter asks for is recorded, and whenever the subscriber reports
 * a connection error the whole set is made again (unsubscribe + subscribe, idempotent) once
 * errors have stopped for `settleMs`, and again until that succeeds. Until then `healthy` is
 * false, which `/readyz` reports. A few messages may be missed around a re-subscription; the
 * broadcasts of this server are updates that the next snapshot carries anyway.
 */
import type { createCluster } from 'redis';

type ClusterClient = ReturnType<typeof createCluster>;
type SubscribeArgs = Parameters<ClusterClient['sSubscribe']>;

export class ShardedSubscriptions {
  private readonly wanted = new Map<string, SubscribeArgs>();
  private suspected = true;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /** The subscriber to hand to the adapter: records every subscription change it makes. */
  readonly client: ClusterClient;

  /**
   * @param sub the cluster client to subscribe with
   * @param guardedSub the same client as the adapter may use it (see guarded-client.ts: its
   *   sSubscribe/sUnsubscribe never reject, failures are reported instead)
   * @param settleMs quiet time after the last error before re-subscribing @default 1000
   */
  constructor(
    private readonly sub: ClusterClient,
    guardedSub: ClusterClient,
    private readonly onFailure: (err: Error) => void,
    private readonly settleMs = 1000,
  ) {
    const wanted = this.wanted;
    this.client = new Proxy(guardedSub, {
      get(target, prop, receiver) {
        if (prop === 'sSubscribe')
          return (...args: SubscribeArgs) => {
            wanted.set(String(args[0]), args);
            return target.sSubscribe(...args);
          };
        if (prop === 'sUnsubscribe')
          return (...args: Parameters<ClusterClient['sUnsubscribe']>) => {
            wanted.delete(String(args[0]));
            return target.sUnsubscribe(...args);
          };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
  }

  /** Whether every recorded subscription is believed to be in place. */
  get healthy(): boolean {
    return !this.suspected;
  }

  /** The subscriber lost a connection: re-subscribe everything once errors stop. */
  suspect(): void {
    this.suspected = true;
    this.schedule(this.settleMs);
  }

  /** The subscriber (re)connected: re-subscribe everything now. */
  connected(): void {
    this.schedule(0);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => void this.resubscribe(), delayMs);
  }

  private async resubscribe(): Promise<void> {
    this.suspected = false;
    try {
      for (const [channel, args] of [...this.wanted]) {
        await this.sub.sUnsubscribe(channel);
        await this.sub.sSubscribe(...args);
      }
    } catch (err) {
      this.onFailure(err instanceof Error ? err : new Error(String(err)));
      this.suspect();
    }
  }
}
