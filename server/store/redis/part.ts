/**
 * What every part of RedisStore shares: the client, the key layout (redis-keys.ts), the
 * Lua scripts (redis-scripts.ts) and the guard that turns Redis failures into
 * StoreUnavailableError (redis-errors.ts).
 */
import type { Cluster, Redis } from 'ioredis';
import { toStoreError } from './errors.js';
import type { RedisKeys } from './keys.js';
import { runScript, type ScriptName } from './scripts.js';

/** Runs `fn`, turning what it throws into what callers handle (toStoreError). */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStoreError(err);
  }
}

export abstract class RedisPart {
  constructor(
    protected readonly redis: Redis | Cluster,
    protected readonly keys: RedisKeys,
  ) {}

  protected guard<T>(fn: () => Promise<T>): Promise<T> {
    return guarded(fn);
  }

  protected script(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    return runScript(this.redis, name, keys, args);
  }
}
