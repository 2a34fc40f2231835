/**
 * The arithmetic of the conservation audit, shared by every store: each store walks its own
 * wallets and packets and feeds them here.
 */
import type { AuditReport } from '@red-packet/sdk/protocol';
import type { LedgerEntry } from '../wallets/wallet-store.js';

export class AuditTally {
  private minted = 0;
  private wallets = 0;
  private escrow = 0;
  private inFlight = 0;
  private doubleClaims = 0;
  private ledgerMismatches = 0;

  /**
   * Adds one wallet: its balance, and its ledger (which must sum to the balance, and must
   * credit each claim id at most once). Returns the claim ids it credited.
   */
  wallet(balance: number, ledger: Iterable<LedgerEntry>): Set<string> {
    this.wallets += balance;
    let sum = 0;
    const credited = new Set<string>();
    for (const e of ledger) {
      sum += e.amount;
      if (e.kind === 'mint') this.minted += e.amount;
      if (e.kind === 'credit') {
        if (credited.has(e.ref)) this.doubleClaims += 1;
        credited.add(e.ref);
      }
    }
    if (sum !== balance) this.ledgerMismatches += 1;
    return credited;
  }

  /** Money sitting in packets (unclaimed shares of open packets). */
  addEscrow(amount: number): void {
    this.escrow += amount;
  }

  /** Money between two steps of a move: a hold with no packet, or an unapplied credit. */
  addInFlight(amount: number): void {
    this.inFlight += amount;
  }

  report(): AuditReport {
    const { minted, wallets, escrow, inFlight, doubleClaims, ledgerMismatches } = this;
    return auditReport({ minted, wallets, escrow, inFlight, doubleClaims, ledgerMismatches });
  }
}

/** The totals an audit adds up, whichever store it walked. */
export type AuditTotals = Omit<AuditReport, 'balanced' | 'difference'>;

/** The report of `totals`: balanced when minted = wallets + escrow + in flight, with no double claim and no wallet whose ledger disagrees. */
export function auditReport(totals: AuditTotals): AuditReport {
  const { minted, wallets, escrow, inFlight, doubleClaims, ledgerMismatches } = totals;
  const difference = minted - (wallets + escrow + inFlight);
  return {
    balanced: difference === 0 && doubleClaims === 0 && ledgerMismatches === 0,
    minted,
    wallets,
    escrow,
    inFlight,
    difference,
    doubleClaims,
    ledgerMismatches,
  };
}
