/**
 * Money: the fund and pay steps packets and rains share, wallets as the API sees them, and
 * the two safety nets run on a timer — the reconciler (finishes half-done moves every
 * RECONCILE_INTERVAL_MS) and the conservation audit (every AUDIT_INTERVAL_MS; 0 turns it off).
 * With PostgreSQL (`ledger`, DATABASE_URL), every money step commits its rows there before it
 * is acknowledged, through one LedgerGate whose backlog is committed again every second.
 */
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import { AuditProbe } from './audit-probe.js';
import { CreditAcker } from './credit-acker.js';
import { LedgerGate, type LedgerSink } from './ledger-gate.js';
import { Payments } from './payments.js';
import { Reconciler } from './reconciler.js';
import { WalletService } from './wallet-service.js';

export interface MoneyNeeds {
  /** PostgreSQL's LedgerWriter, when DATABASE_URL is set; absent: the store alone is the record. */
  ledger?: LedgerSink;
}

export interface MoneyConcept extends ConceptTasks {
  /** Every money step goes through it; `payments.ledger` is the gate, when there is PostgreSQL. */
  payments: Payments;
  /** Its pending outbox acks are flushed at close. */
  acker: CreditAcker;
  wallets: WalletService;
  reconciler: Reconciler;
}

export function createMoneyConcept(node: NodeBasics, needs: MoneyNeeds = {}): MoneyConcept {
  const { config, store, clock, broadcaster, metrics, log } = node;
  const { timers } = config;
  const gate = needs.ledger ? new LedgerGate(needs.ledger, metrics, log) : undefined;
  const acker = new CreditAcker(store, log);
  const reconciler = new Reconciler(
    store,
    clock,
    broadcaster,
    metrics,
    log,
    timers.reconcileGraceMs,
    undefined,
    gate,
  );
  const audit = new AuditProbe(store, clock, metrics);
  return {
    acker,
    payments: new Payments(store, clock, broadcaster, acker, log, gate),
    wallets: new WalletService(store, clock, broadcaster, gate),
    reconciler,
    tasks: [
      ...(gate ? [new Periodic('ledger-backlog', 1000, () => gate.retry().then(() => undefined), log)] : []),
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
