/**
 * Money: the fund and pay steps packets and rains share, wallets as the API sees them, and
 * the two safety nets run on a timer — the reconciler (finishes half-done moves every
 * RECONCILE_INTERVAL_MS) and the conservation audit (every AUDIT_INTERVAL_MS; 0 turns it off).
 */
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import { AuditProbe } from './audit-probe.js';
import { CreditAcker } from './credit-acker.js';
import { Payments } from './payments.js';
import { Reconciler } from './reconciler.js';
import { WalletService } from './wallet-service.js';

export interface MoneyConcept extends ConceptTasks {
  payments: Payments;
  /** Its pending outbox acks are flushed at close. */
  acker: CreditAcker;
  wallets: WalletService;
  reconciler: Reconciler;
}

export function createMoneyConcept(node: NodeBasics): MoneyConcept {
  const { config, store, clock, broadcaster, metrics, log } = node;
  const { timers } = config;
  const acker = new CreditAcker(store, log);
  const reconciler = new Reconciler(store, clock, broadcaster, metrics, log, timers.reconcileGraceMs);
  const audit = new AuditProbe(store, clock, metrics);
  return {
    acker,
    payments: new Payments(store, clock, broadcaster, acker, log),
    wallets: new WalletService(store, clock, broadcaster),
    reconciler,
    tasks: [
      new Periodic(
        'reconciler',
        timers.reconcileIntervalMs,
        () => reconciler.reconcile().then(() => undefined),
        log,
      ),
      ...(timers.auditIntervalMs > 0
        ? [new Periodic('audit', timers.auditIntervalMs, () => audit.run().then(() => undefined), log)]
        : []),
    ],
  };
}
