/**
 * A reference server (bench/reference-*.ts) in a child process on the server cores: forked
 * with IPC, it sends `{ port }` once listening (or `{ error }`), then answers the bench's
 * commands, if it takes any, over the same channel.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_ENV } from '../test/helpers/test-server.js';
import type { BenchEnv } from './grab-scenarios.js';
import { pin } from './machine.js';

export interface ReferenceProcess {
  pid: number;
  url: string;
  /** The next message the child sends; rejects on `{ error }` or if it exits first. */
  next<T>(): Promise<T>;
  send(msg: object): void;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  stop(): Promise<void>;
}

/**
 * @param script file name beside this one, e.g. 'reference-uws.ts'
 * @param nodeArgs extra node options (e.g. the bench's --cpu-prof), before the script
 */
export async function startReference(
  env: BenchEnv,
  script: string,
  nodeArgs: string[] = [],
): Promise<ReferenceProcess> {
  const child = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), [], {
    execArgv: [...nodeArgs, '--conditions=rp-source', '--import', 'tsx'],
    env: { ...process.env, ...TEST_ENV },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`${script} exited (${String(code)})`));
      child.once('exit', onExit);
      child.once('message', (m: T & { error?: string }) => {
        child.off('exit', onExit);
        if (m.error) reject(new Error(`${script}: ${m.error}`));
        else resolve(m);
      });
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const { port } = await next<{ port: number }>();
    const pid = child.pid ?? 0;
    if (env.plan.pinned) pin(pid, env.plan.serverCores);
    return { pid, url: `http://127.0.0.1:${port}`, next, send: (msg) => child.send(msg), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
