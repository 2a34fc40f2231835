/**
 * A wrapper for Redis clients handed to code we do not own (the socket.io Redis adapters),
 * which calls some of their methods without handling the promise they return — e.g.
 * `pubClient.publish(...)` on every broadcast. One rejection there (a publish while Redis is
 * down) is an unhandled rejection, and Node ends the process (the crash in issue 17, the same
 * class as ioredis#1776).
 *
 * `guardClient` returns a Proxy of the client in which the named methods never reject: a
 * failure is reported to `onFailure` and the call resolves to `undefined`. Every other
 * property passes through to the real client, with `this` bound to it, so the library keeps
 * working on the client it was given. Failures are handled where they start, not by a global
 * handler that would also hide programmer errors.
 */
export type GuardedFailure = (method: string, err: Error) => void;

export function guardClient<T extends object>(
  client: T,
  methods: readonly string[],
  onFailure: GuardedFailure,
): T {
  const guarded = new Set(methods);
  // Per property: the function last seen on the client and what we hand out for it.
  const handedOut = new Map<PropertyKey, { fn: unknown; out: unknown }>();
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const cached = handedOut.get(prop);
      if (cached?.fn === value) return cached.out;
      const fn = value as (...args: unknown[]) => unknown;
      const out =
        typeof prop === 'string' && guarded.has(prop)
          ? (...args: unknown[]): unknown => callGuarded(fn, target, args, (err) => onFailure(prop, err))
          : fn.bind(target);
      handedOut.set(prop, { fn: value, out });
      return out;
    },
  });
}

function callGuarded(
  fn: (...args: unknown[]) => unknown,
  target: object,
  args: unknown[],
  fail: (err: Error) => void,
): unknown {
  try {
    const result = fn.apply(target, args);
    if (!isThenable(result)) return result;
    return Promise.resolve(result).catch((err: unknown) => {
      fail(asError(err));
      return undefined;
    });
  } catch (err) {
    fail(asError(err));
    return Promise.resolve(undefined);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
