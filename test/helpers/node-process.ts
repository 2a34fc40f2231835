/**
 * A server node in a child process (`node --conditions=rp-source --import tsx server/main.ts`), as in production:
 * one process per node, since socket.io's uWS integration is process-wide. Resolves once the
 * node logs that it listens, with the port it picked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TEST_ENV } from './test-server.js';

export interface NodeProcess {
  nodeId: string;
  pid: number;
  url: string;
  /** Everything the node logged (JSON lines). */
  logs: string[];
  /**
   * Resolves with the first log entry (already logged, or logged later) that `match` accepts;
   * rejects after `timeoutMs`.
   */
  waitForLog(
    match: (entry: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** What the process wrote to stderr (a crash's stack trace lands here). */
  stderr(): string;
  /** SIGTERM: the graceful shutdown path. */
  stop(): Promise<void>;
  /** SIGKILL: the node dies on the spot. */
  kill(): Promise<void>;
  /** Resolves when the process ends, however it ends, with its exit code or signal. */
  exited: Promise<string>;
}

/** @param nodeArgs extra node options (e.g. --cpu-prof), before the script */
export function startNodeProcess(
  env: Record<string, string>,
  nodeId: string,
  nodeArgs: string[] = [],
): Promise<NodeProcess> {
  // `--conditions=rp-source`: @red-packet/sdk resolves to its TypeScript source (shared/package.json).
  const args = [...nodeArgs, '--conditions=rp-source', '--import', 'tsx', 'server/main.ts'];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: 'info', NODE_ID: nodeId, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const logWaiters = new Set<(entry: Record<string, unknown>) => void>();
  const waitForLog = (
    match: (entry: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> => {
    const seen = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        logWaiters.delete(waiter);
        reject(new Error(`node ${nodeId}: no matching log line within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (entry: Record<string, unknown>): void => {
        if (!match(entry)) return;
        clearTimeout(timer);
        logWaiters.delete(waiter);
        resolve(entry);
      };
      logWaiters.add(waiter);
    });
  };
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `code ${String(code)}`)),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`node ${nodeId} exited (${String(code)}): ${stderr}`));
    child.once('exit', onExit);
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line);
      const entry = JSON.parse(line) as { url?: string; msg?: string };
      for (const waiter of [...logWaiters]) waiter(entry);
      if (entry.msg?.startsWith('listening on port') && entry.url) {
        child.off('exit', onExit);
        const port = new URL(entry.url).port;
        resolve({
          nodeId,
          pid: child.pid ?? 0,
          url: `http://127.0.0.1:${port}`,
          logs,
          waitForLog,
          alive: () => child.exitCode === null && child.signalCode === null,
          stderr: () => stderr,
          stop: () => stopChild(child, 'SIGTERM'),
          kill: () => stopChild(child, 'SIGKILL'),
          exited,
        });
      }
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
