/**
 * What a node does with an error nobody handled.
 *
 * Every promise on a Redis client is handled where it starts (the store maps failures to
 * STORE_UNAVAILABLE; the adapters' clients are wrapped, see transport/guarded-client.ts;
 * periodic tasks and batchers catch and log). So an unhandled rejection or uncaught
 * exception that still reaches the process is a programmer error, and the node's state can no
 * longer be trusted: it logs the error at `fatal` level, with its stack, and exits with code 1
 * for the supervisor to restart it. Nothing is lost by that: money state lives in the store and
 * every step is idempotent (the reconciler finishes what was half done), and a rain it drove
 * is taken over by another node when its lease lapses. Swallowing such errors instead would
 * hide bugs and keep a broken node serving.
 */
import type { Logger } from './observability/logger.js';

export function exitOnProgrammerErrors(log: Logger): void {
  const die = (kind: string, err: unknown): void => {
    log.fatal({ err, kind }, `${kind}: a programmer error; exiting for a restart`);
    process.exit(1);
  };
  process.on('unhandledRejection', (reason) => die('unhandled rejection', reason));
  process.on('uncaughtException', (err) => die('uncaught exception', err));
}
