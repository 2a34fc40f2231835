/**
 * Group commit driven flat out: `callers` concurrent callers, each committing one grab (its
 * claim and credit entry: 2 rows) through a LedgerWriter in a loop for `seconds`. Used by
 * bench/ledger-commit.ts (the table in docs/operations.md) and by the bench's ledger scenario
 * (PostgreSQL's rows/s at saturation, beside the grab figures).
 */
import { claimAndCreditRows, type LedgerRow, type LedgerWriter } from '../server/store/ledger/index.js';

export interface SaturationFigures {
  callers: number;
  commitsPerSec: number;
  rowsPerSec: number;
  txnPerSec: number;
  rowsPerTxn: number;
  p50Ms: number;
  p99Ms: number;
}

let seq = 0;
/** The rows of one synthetic grab (a fresh user each time, 50,000 packets in rotation). */
export function grabRows(): LedgerRow[] {
  const n = ++seq;
  const packetId = `pk_${(n % 50_000).toString(36).padStart(16, '0')}`;
  const userId = `u_${n.toString(36).padStart(16, '0')}`;
  return claimAndCreditRows({
    claimId: `claim:${packetId}:${userId}`,
    userId,
    amount: 1 + (n % 500),
    sourceId: packetId,
    reason: 'grab',
    at: Date.now(),
  });
}

export async function saturate(
  writer: LedgerWriter,
  callers: number,
  seconds: number,
): Promise<SaturationFigures> {
  const latencies: number[] = [];
  const before = writer.stats();
  const until = performance.now() + seconds * 1000;
  const caller = async (): Promise<void> => {
    while (performance.now() < until) {
      const t0 = performance.now();
      await writer.commit(grabRows());
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const after = writer.stats();
  latencies.sort((a, b) => a - b);
  const p = (q: number): number => latencies[Math.floor(q * (latencies.length - 1))] ?? NaN;
  const txns = after.transactions - before.transactions;
  const rows = after.rows - before.rows;
  return {
    callers,
    commitsPerSec: latencies.length / seconds,
    rowsPerSec: rows / seconds,
    txnPerSec: txns / seconds,
    rowsPerTxn: rows / Math.max(1, txns),
    p50Ms: p(0.5),
    p99Ms: p(0.99),
  };
}
