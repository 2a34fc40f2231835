/**
 * What every Redis part of the store shares: the client, the key layout (keys.ts), the Lua
 * scripts (scripts.ts) and `guard`, the one place a Redis failure becomes what callers
 * handle (errors.ts: StoreUnavailableError for "not now", the error itself for a bug — a
 * malformed reply included).
 * Every public method of a part runs its Redis work inside `guard` (or `script`, which does).
 */
import type { Cluster, Redis } from 'ioredis';
import { toStoreError } from './errors.js';
import type { RedisKeys } from './keys.js';
import type { ScriptReply } from './replies.js';
import { runScript, type ScriptName } from './scripts.js';

export abstract class RedisPart<Keys = RedisKeys> {
  constructor(
    protected readonly redis: Redis | Cluster,
    protected readonly keys: Keys,
  ) {}

  /** Runs `fn`, turning what it throws into what callers handle (toStoreError). */
  protected async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Runs one Lua script, guarded; resolves to its decoded reply (replies.ts). */
  protected script<N extends ScriptName>(
    name: N,
    keys: string[],
    args: (string | number)[],
  ): Promise<ScriptReply<N>> {
    return this.guard(() => runScript(this.redis, name, keys, args));
  }
}
