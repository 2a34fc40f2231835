/**
 * Real redis-server processes for tests, on free ports, in temporary directories — never the
 * machine's default Redis. `npm test` installs redis-server when it is missing (as root);
 * otherwise these helpers fail with the command to run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT =
  'redis-server is not installed: run `apt-get install -y redis-server` (as root), then retry';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function requireRedis(): void {
  if (spawnSync('redis-server', ['--version']).error) throw new Error(INSTALL_HINT);
}

/** Spawns redis-server and resolves once it logs that it accepts connections. */
function spawnRedis(args: string[], cwd: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${String(code)}): ${log.slice(-500)}`)),
    );
  });
}

/** Loopback only, a private data directory, no RDB snapshots; `extra` adds the mode. */
function redisArgs(port: number, dir: string, extra: string[]): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...extra];
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export interface RedisHandle {
  port: number;
  url: string;
  /** Stops the server (it saves its append-only file first). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** Kills the process on the spot (SIGKILL): whatever the AOF had not synced is lost. */
  kill(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Thaws it (SIGCONT): it answers everything it received meanwhile. */
  resume(): void;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export interface RedisOptions {
  /** How often the append-only file is fsynced. @default 'always' */
  appendfsync?: 'always' | 'everysec';
}

/** One standalone redis-server with an append-only file, so a restart keeps the data. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisHandle> {
  requireRedis();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rp-redis-'));
  const args = redisArgs(port, dir, [
    '--appendonly',
    'yes',
    '--appendfsync',
    options.appendfsync ?? 'always',
  ]);
  let child = await spawnRedis(args, dir);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopProcess(child),
    restart: async () => {
      child = await spawnRedis(args, dir);
    },
    kill: () => stopProcess(child, 'SIGKILL'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    destroy: async () => {
      child.kill('SIGCONT');
      await stopProcess(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisClusterHandle {
  nodes: { host: string; port: number }[];
  destroy(): Promise<void>;
}

/** A local Redis Cluster of `masters` nodes (no replicas), created with redis-cli. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  requireRedis();
  const dir = mkdtempSync(join(tmpdir(), 'rp-cluster-'));
  const ports = await uniquePorts(masters);
  const children = await Promise.all(
    ports.map((port) =>
      spawnRedis(
        redisArgs(port, dir, [
          '--appendonly',
          'no',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
        ]),
        dir,
      ),
    ),
  );
  const create = spawnSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    {
      encoding: 'utf8',
    },
  );
  if (create.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  for (const port of ports) await waitForClusterOk(port);
  return {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    destroy: async () => {
      await Promise.all(children.map((c) => stopProcess(c, 'SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function uniquePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  // Cluster bus ports are port + 10000, so stay below 55535.
  while (ports.size < n) {
    const p = await freePort();
    if (p < 55_535) ports.add(p);
  }
  return [...ports];
}

/** Polls CLUSTER INFO until the node reports cluster_state:ok (slot assignment propagates). */
async function waitForClusterOk(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout;
    if (info.includes('cluster_state:ok')) return;
    if (Date.now() > deadline) throw new Error(`cluster node ${port} not ok: ${info}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
