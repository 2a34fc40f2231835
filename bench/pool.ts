/**
 * The orchestrator's side of the load generator: a pool of worker threads (bench/load-worker.ts)
 * holding wire clients, the host's SDK client, and the money audit every scenario ends with.
 */
import { Worker } from 'node:worker_threads';
import { RedPacketClient } from '@red-packet/sdk';
import type { AuditReport } from '@red-packet/sdk/protocol';
import { TokenService } from '../server/auth/tokens.js';
import { TEST_SECRET } from '../test/helpers/test-server.js';
import type { Command } from './load-worker.js';

export const tokens = new TokenService(TEST_SECRET);

export interface Pool {
  /** Sends `msg` to every thread; rejects if any thread answers `{ error }`. */
  ask<T>(msg: Command): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Starts `threads` workers and connects `total` clients to `url` (a list: spread evenly over
 * its nodes), all joined to `room`.
 */
export async function connectPool(
  url: string | string[],
  total: number,
  room: string,
  threads: number,
): Promise<Pool> {
  const workers = Array.from(
    { length: threads },
    (_, index) =>
      new Worker(new URL('./worker-entry.mjs', import.meta.url), {
        workerData: { index, secret: TEST_SECRET },
      }),
  );
  const ask = <T>(msg: Command): Promise<T[]> =>
    Promise.all(
      workers.map(
        (w, index) =>
          new Promise<T>((resolve, reject) => {
            w.once('message', (reply: T & { error?: string }) => {
              if (reply.error) reject(new Error(`generator thread: ${reply.error}`));
              else resolve(reply);
            });
            if (msg.cmd === 'connect') {
              const count = Math.floor(total / threads) + (index < total % threads ? 1 : 0);
              w.postMessage({ ...msg, count });
            } else {
              w.postMessage(msg);
            }
          }),
      ),
    );
  const pool: Pool = {
    ask,
    close: async () => {
      await ask({ cmd: 'close' }).catch(() => undefined);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
  try {
    await ask({ cmd: 'connect', url, count: total, room });
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  return pool;
}

const adminToken = (): Promise<string> =>
  tokens.sign({ userId: 'bench-admin', name: 'admin', role: 'admin' });

/** A host (admin role) connected and joined to `room`, with `fen` minted to its wallet. */
export async function hostClient(url: string, room: string, fen: number): Promise<RedPacketClient> {
  const host = new RedPacketClient({
    url,
    token: await tokens.sign({ userId: 'bench-host', name: 'host', role: 'admin' }),
    ackTimeoutMs: 120_000,
  });
  await host.connect();
  await host.join(room);
  const res = await fetch(`${url}/v1/admin/wallets/bench-host/credit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: fen }),
  });
  if (!res.ok) throw new Error(`minting for the host: HTTP ${res.status}`);
  return host;
}

/** The money audit; throws unless it balances with no double claims. */
export async function requireBalanced(url: string, scenario: string): Promise<AuditReport> {
  const res = await fetch(`${url}/v1/admin/audit`, {
    headers: { authorization: `Bearer ${await adminToken()}` },
  });
  const report = (await res.json()) as AuditReport;
  if (!res.ok || !report.balanced || report.doubleClaims !== 0) {
    throw new Error(`audit after ${scenario} failed: ${JSON.stringify(report)}`);
  }
  return report;
}
