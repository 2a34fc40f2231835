/**
 * Money: the fund and pay steps packets and rains share, wallets as the API sees them, and
 * the two safety nets run on a timer — the reconciler (finishes half-done moves every
 * RECONCILE_INTERVAL_MS) and the conservation audit (every AUDIT_INTERVAL_MS; 0 turns it off).
 * With PostgreSQL (`ledger`, DATABASE_URL), every money step commits its rows there before it
 * is acknowledged, through one LedgerGate whose backlog is committed again every second;
 * on Redis, a RestoreWatch fences money off while Redis is restored from the ledger (and
 * restores an emptied Redis itself), and the two safety nets pause meanwhile.
 */
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import { AuditProbe } from './audit-probe.js';
import { BalanceReconciler, type LedgerBalances } from './balance-reconciler.js';
import { CreditAcker } from './credit-acker.js';
import type { RestoreControl } from '../../store/ledger/restore-control.js';
import { LedgerGate, type LedgerSink } from './ledger-gate.js';
import { Payments } from './payments.js';
import { Reconciler } from './reconciler.js';
import { RestoreWatch } from './restore-watch.js';
import { WalletService } from './wallet-service.js';

export interface MoneyNeeds {
  /** PostgreSQL's LedgerWriter, when DATABASE_URL is set; absent: the store alone is the record. */
  ledger?: LedgerSink;
  /** With a ledger on a Redis store: the restore keys and the ledger (restore-control.ts). */
  restore?: { control: RestoreControl; autoRestore: boolean };
  /** With a ledger: PostgreSQL's balances, and how often (0: on demand only) to reconcile. */
  reconcile?: { balances: LedgerBalances; intervalMs: number; graceMs: number; maxUsers: number };
}

export interface MoneyConcept extends ConceptTasks {
  /** Every money step goes through it; `payments.ledger` is the gate, when there is PostgreSQL. */
  payments: Payments;
  /** Its pending outbox acks are flushed at close. */
  acker: CreditAcker;
  wallets: WalletService;
  reconciler: Reconciler;
  /** With a ledger on a Redis store; check it once before serving. */
  restoreWatch?: RestoreWatch;
  /** With a ledger: Redis balances against PostgreSQL's (GET /v1/admin/reconcile). */
  balances?: BalanceReconciler;
}

export function createMoneyConcept(node: NodeBasics, needs: MoneyNeeds = {}): MoneyConcept {
  const { config, store, clock, broadcaster, metrics, log } = node;
  const { timers } = config;
  const { reconcile } = needs;
  const balances =
    needs.ledger && reconcile
      ? new BalanceReconciler(store, reconcile.balances, clock, metrics, log, {
          nodeId: config.nodeId,
          graceMs: reconcile.graceMs,
          maxUsers: reconcile.maxUsers,
        })
      : undefined;
  const gate = needs.ledger
    ? new LedgerGate(needs.ledger, metrics, log, {
        ...(balances ? { onCommitted: (users: string[]) => balances.touch(users) } : {}),
      })
    : undefined;
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
  const restoreWatch =
    gate && needs.restore
      ? new RestoreWatch(needs.restore.control, gate, log, {
          nodeId: config.nodeId,
          autoRestore: needs.restore.autoRestore,
        })
      : undefined;
  // The safety nets skip their pass while a restore fences money off (Redis is being rebuilt).
  const unlessFenced = (run: () => Promise<unknown>) => (): Promise<void> =>
    gate?.fence ? Promise.resolve() : run().then(() => undefined);
  return {
    acker,
    payments: new Payments(store, clock, broadcaster, acker, log, gate),
    wallets: new WalletService(store, clock, broadcaster, gate),
    reconciler,
    ...(restoreWatch ? { restoreWatch } : {}),
    ...(balances ? { balances } : {}),
    tasks: [
      ...(gate ? [new Periodic('ledger-backlog', 1000, () => gate.retry().then(() => undefined), log)] : []),
      ...(restoreWatch
        ? [new Periodic('restore-watch', timers.storeProbeMs, () => restoreWatch.check(), log)]
        : []),
      new Periodic(
        'reconciler',
        timers.reconcileIntervalMs,
        unlessFenced(() => reconciler.reconcile()),
        log,
      ),
      ...(balances && reconcile && reconcile.intervalMs > 0
        ? [
            new Periodic(
              'balance-reconcile',
              reconcile.intervalMs,
              unlessFenced(() => balances.pass()),
              log,
            ),
          ]
        : []),
      ...(timers.auditIntervalMs > 0
        ? [
            new Periodic(
              'audit',
              timers.auditIntervalMs,
              unlessFenced(() => audit.run()),
              log,
            ),
          ]
        : []),
    ],
  };
}
