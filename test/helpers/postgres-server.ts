/**
 * A real PostgreSQL for tests and benches: `initdb` into a temporary folder, `postgres` on a
 * free port (never 5432) with its unix socket in that folder — never the machine's own
 * cluster. fsync and synchronous_commit stay on, so a commit here means what it means in
 * production. As root the server runs as the `postgres` system user (PostgreSQL refuses to
 * run as root; Debian's package creates that user); otherwise as the current user.
 * `npm test` installs PostgreSQL when it is missing (as root); otherwise these helpers fail
 * with the command to run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './redis-server.js';

export const POSTGRES_INSTALL_HINT =
  'PostgreSQL is not installed: run `apt-get install -y postgresql` (as root), then retry';

/** Debian keeps PostgreSQL's binaries in /usr/lib/postgresql/<version>/bin, off PATH. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter(
        (v) => existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb')),
      )
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  const config = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const bindir = config.status === 0 ? config.stdout.trim() : '';
  if (bindir && existsSync(join(bindir, 'postgres'))) return bindir;
  throw new Error(POSTGRES_INSTALL_HINT);
}

/** Who the server runs as: as root, the `postgres` system user; otherwise ourselves. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string): number => {
    const out = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    if (out.status !== 0)
      throw new Error(
        'running as root, and there is no `postgres` user to run PostgreSQL as: ' +
          'run `apt-get install -y postgresql` (it creates one), then retry',
      );
    return Number(out.stdout.trim());
  };
  return { uid: id('-u'), gid: id('-g') };
}

/** `setpriv` execs the command (no intermediate process), so the child's pid is the postmaster's. */
function command(bin: string, args: string[], user: { uid: number; gid: number } | null): [string, string[]] {
  if (!user) return [bin, args];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', bin, ...args]];
}

function chownTree(dir: string, user: { uid: number; gid: number }): void {
  chownSync(dir, user.uid, user.gid);
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' }))
    chownSync(join(dir, entry), user.uid, user.gid);
}

/** Spawns postgres and resolves once it logs that it accepts connections. */
function spawnPostgres(
  bin: string,
  args: string[],
  user: { uid: number; gid: number } | null,
): Promise<ChildProcess> {
  const [file, argv] = command(bin, args, user);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('database system is ready to accept connections')) {
        child.stderr.off('data', onData);
        child.stderr.resume();
        resolve(child);
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`postgres exited (${String(code)}): ${log.slice(-800)}`)));
  });
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** The postmaster's children (backends, checkpointer, walwriter …), from /proc. */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

export interface PostgresHandle {
  port: number;
  /** The `postgres` database as the `postgres` superuser, over TCP on 127.0.0.1. */
  url: string;
  /** A URL for another database on this server (create it first: see createDatabase). */
  urlOf(database: string): string;
  /** The running postmaster's process id (its backends are its children). */
  pid(): number;
  /** Freezes the postmaster and every backend (SIGSTOP): sockets stay open, nothing answers. */
  pause(): void;
  /** Thaws them (SIGCONT). */
  resume(): void;
  /** Fast shutdown (SIGINT), then starts again on the same port with the same data. */
  restart(): Promise<void>;
  /** kill -9 of the postmaster and its backends; `restart` brings it back (crash recovery). */
  kill(): Promise<void>;
  /** Stops it for good and removes its folder. Idempotent. */
  destroy(): Promise<void>;
}

/** One PostgreSQL server in a temporary folder, on a free port. */
export async function startPostgres(): Promise<PostgresHandle> {
  const bin = postgresBinDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'rp-postgres-'));
  const data = join(dir, 'data');
  if (user) chownTree(dir, user);
  const [initFile, initArgv] = command(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    user,
  );
  const init = spawnSync(initFile, initArgv, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stdout}${init.stderr}`);
  }
  const port = await freePort();
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    // Durability as in production: every commit is flushed to the WAL on disk.
    '-c',
    'fsync=on',
    '-c',
    'synchronous_commit=on',
    '-c',
    'shared_buffers=64MB',
    '-c',
    'max_connections=60',
  ];
  const postgres = join(bin, 'postgres');
  let child = await spawnPostgres(postgres, args, user);
  const postmasterPid = (): number =>
    Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const signalAll = (signal: NodeJS.Signals): void => {
    const pid = postmasterPid();
    process.kill(pid, signal);
    for (const c of childrenOf(pid)) {
      try {
        process.kill(c, signal);
      } catch (err) {
        // A backend that exited between the listing and the signal has nothing to stop.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
  };
  let destroyed = false;
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return {
    port,
    url: `${base}/postgres`,
    urlOf: (database) => `${base}/${database}`,
    pid: postmasterPid,
    pause: () => signalAll('SIGSTOP'),
    resume: () => signalAll('SIGCONT'),
    restart: async () => {
      await stopProcess(child, 'SIGINT');
      child = await spawnPostgres(postgres, args, user);
    },
    kill: async () => {
      const backends = childrenOf(child.pid ?? -1);
      await stopProcess(child, 'SIGKILL');
      for (const pid of backends) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      if (child.exitCode === null && child.signalCode === null) {
        try {
          signalAll('SIGCONT');
        } catch {
          // not running
        }
        await stopProcess(child, 'SIGQUIT');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates database `name` on `server` and returns its URL. */
export async function createDatabase(server: PostgresHandle, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return server.urlOf(name);
}
