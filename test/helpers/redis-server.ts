/**
 * Real redis-server processes for tests, on free ports, in temporary directories — never the
 * machine's default Redis. `npm test` installs redis-server when it is missing (as root);
 * otherwise these helpers fail with the command to run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

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
  /** kill -9: the server dies on the spot (as an OOM killer or a crashed host does). */
  kill(): Promise<void>;
  /**
   * Starts it again on the same port: with the same data (from its append-only file), or
   * with `empty`, with none (a replacement server that lost everything).
   */
  restart(options?: { empty?: boolean }): Promise<void>;
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
    kill: () => stopProcess(child, 'SIGKILL'),
    restart: async (options = {}) => {
      if (options.empty) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
      }
      child = await spawnRedis(args, dir);
    },
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
  /** kill -9 of master `i`. */
  killNode(i: number): Promise<void>;
  /** Which master (index into `nodes`) holds `key`'s slot. */
  nodeOf(key: string): Promise<number>;
  /** Starts master `i` again on its port, from its append-only file (when `durable`). */
  restartNode(i: number): Promise<void>;
  destroy(): Promise<void>;
}

export interface ClusterOptions {
  /** Number of masters (no replicas). @default 3 */
  masters?: number;
  /** Append-only file with fsync on every write, so a restarted master keeps its data. */
  durable?: boolean;
}

/** A local Redis Cluster of masters only, created with redis-cli. */
export async function startRedisCluster(options: ClusterOptions | number = {}): Promise<RedisClusterHandle> {
  // Free ports are only free when asked: another process may take one before redis-server
  // binds it. Such a start is tried again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisClusterOnce(options);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('Address already in use')) throw err;
    }
  }
}

async function startRedisClusterOnce(options: ClusterOptions | number): Promise<RedisClusterHandle> {
  const { masters = 3, durable = false } = typeof options === 'number' ? { masters: options } : options;
  requireRedis();
  const dir = mkdtempSync(join(tmpdir(), 'rp-cluster-'));
  const ports = await uniquePorts(masters);
  const nodeArgs = (port: number): string[] =>
    redisArgs(port, dir, [
      ...(durable
        ? ['--appendonly', 'yes', '--appendfsync', 'always', '--appenddirname', `aof-${port}`]
        : ['--appendonly', 'no']),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
    ]);
  const started = await Promise.allSettled(ports.map((port) => spawnRedis(nodeArgs(port), dir)));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    // Stop the nodes that did start, so a retry leaves nothing running.
    await Promise.all(
      started.flatMap((r) => (r.status === 'fulfilled' ? [stopProcess(r.value, 'SIGKILL')] : [])),
    );
    rmSync(dir, { recursive: true, force: true });
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  const children = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
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
    killNode: (i) => stopProcess(children[i]!, 'SIGKILL'),
    nodeOf: async (key) => {
      const admin = new Redis(ports[0]!, '127.0.0.1', { lazyConnect: true });
      try {
        await admin.connect();
        const slot = await admin.cluster('KEYSLOT', key);
        const range = (await admin.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to);
        const master = range?.[2];
        if (!master) throw new Error(`no master holds slot ${slot}`);
        return ports.indexOf(master[1]);
      } finally {
        admin.disconnect();
      }
    },
    restartNode: async (i) => {
      children[i] = await spawnRedis(nodeArgs(ports[i]!), dir);
      for (const port of ports) await waitForClusterOk(port);
    },
    destroy: async () => {
      await Promise.all(children.map((c) => stopProcess(c, 'SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether `port` can be bound on 127.0.0.1 right now. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function uniquePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  // Cluster bus ports are port + 10000: stay below 55535, and take a port only if its bus
  // port is free too (another process's ephemeral port there makes redis-server abort).
  while (ports.size < n) {
    const p = await freePort();
    if (p < 55_535 && !ports.has(p) && (await isPortFree(p + 10_000))) ports.add(p);
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
