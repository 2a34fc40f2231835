/**
 * Keeps a node from serving money out of a Redis that does not hold the ledger's state
 * (issue 25), with DATABASE_URL on a Redis store. Every check (each STORE_PROBE_MS, and once
 * at start before the node listens) reads the restore keys (store/ledger/restore-control.ts):
 *
 *   marker held (a restore runs: `npm run restore` or a node) ─▶ fenced
 *   sentinel there, nothing pending                            ─▶ not fenced
 *   sentinel gone:
 *     PostgreSQL has no entries, or Redis still holds wallets,
 *     packets or rains (a fresh deployment, or one from before
 *     the sentinel)                                            ─▶ write the sentinel, not fenced
 *     else Redis lost its dataset (or a restore stopped half-way: `pending`)
 *                                                              ─▶ fenced; LEDGER_AUTO_RESTORE:
 *                                                                 take the marker (one node) and
 *                                                                 restore; the others wait fenced
 *
 * Fenced means the ledger gate refuses money steps with STORE_UNAVAILABLE, `/readyz` answers
 * 503 and `rp_ledger_restoring` is 1; chat and rooms keep working. The fence lifts at the
 * first check that finds the sentinel again (the restorer lifts its own at once).
 * A check that cannot read Redis changes nothing (the store probe reports Redis down).
 */
import type { Logger } from '../../observability/logger.js';
import { RestoreInProgressError, type RestoreControl } from '../../store/ledger/restore-control.js';
import type { LedgerGate } from './ledger-gate.js';

export interface RestoreWatchOptions {
  nodeId: string;
  /** Restore an emptied Redis from the ledger (LEDGER_AUTO_RESTORE). */
  autoRestore: boolean;
}

export class RestoreWatch {
  private running: Promise<void> | null = null;
  private toldOperator = false;

  constructor(
    private readonly control: RestoreControl,
    private readonly gate: LedgerGate,
    private readonly log: Logger,
    private readonly options: RestoreWatchOptions,
  ) {}

  /** Whether money steps are fenced off now. */
  get fenced(): boolean {
    return this.gate.fence !== null;
  }

  /** Resolves once the restore this node runs, if any, has ended. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** One check (see the module comment). Never rejects. */
  async check(): Promise<void> {
    try {
      await this.checkOnce();
    } catch (err) {
      this.log.warn({ err }, 'restore check failed; retrying at the next one');
    }
  }

  private async checkOnce(): Promise<void> {
    let state;
    try {
      state = await this.control.state();
    } catch {
      return;
    }
    if (state.restoring !== null) {
      this.gate.setFence(`restore by ${state.restoring}`);
      return;
    }
    if (state.sentinel && !state.pending) {
      this.gate.setFence(null);
      return;
    }
    if (this.running) return;
    if (!state.pending && !(await this.datasetLost())) {
      await this.control.markIntact();
      this.gate.setFence(null);
      return;
    }
    this.gate.setFence('Redis lost its dataset');
    if (!this.options.autoRestore) {
      if (!this.toldOperator)
        this.log.error(
          'Redis lost its dataset while PostgreSQL holds the ledger: money steps answer STORE_UNAVAILABLE until `npm run restore` (LEDGER_AUTO_RESTORE=0)',
        );
      this.toldOperator = true;
      return;
    }
    this.running = this.restore().finally(() => {
      this.running = null;
    });
  }

  /** The sentinel is gone: is it a loss (entries in PostgreSQL, no money state in Redis)? */
  private async datasetLost(): Promise<boolean> {
    if (!(await this.control.ledgerHasEntries())) return false;
    if (await this.control.redisIsEmpty()) return true;
    this.log.warn('restore sentinel missing but Redis holds wallets, packets or rains: taking it as intact');
    return false;
  }

  private async restore(): Promise<void> {
    try {
      this.log.warn('Redis lost its dataset: restoring it from the PostgreSQL ledger');
      const report = await this.control.run(`node ${this.options.nodeId}`, { force: true });
      this.log.info({ report }, 'Redis restored from the ledger');
      this.toldOperator = false;
      this.gate.setFence(null);
    } catch (err) {
      // Another node (or `npm run restore`) took the marker first: wait fenced for it.
      if (err instanceof RestoreInProgressError) return;
      this.log.error({ err }, 'restoring Redis from the ledger failed; trying again at the next check');
    }
  }
}
