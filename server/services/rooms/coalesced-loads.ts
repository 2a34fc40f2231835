/**
 * Coalesces concurrent reads of the same key into one, without ever answering a caller with
 * data read before it asked. A reconnect storm puts thousands of `room:join`s for one room on
 * a node within a second; each used to read the room's chat, open packets and rain on its own.
 *
 * Contract: the promise `load(key)` returns settles with the result of a read that *started
 * after* `load` was called. While a read of `key` is in flight, callers wait for the next read,
 * which starts when the current one settles and is shared by all of them — so at most one
 * read per key runs at a time, and at most one more is queued, whatever the number of callers.
 * A read that fails fails every caller sharing it (each may retry).
 */
interface Pending<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

const pending = <T>(): Pending<T> => {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export class CoalescedLoads<T> {
  /** Keys with a read in flight, and the read queued behind it (if any caller is waiting). */
  private readonly inFlight = new Map<string, { next: Pending<T> | null }>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  load(key: string): Promise<T> {
    const current = this.inFlight.get(key);
    if (current) {
      current.next ??= pending<T>();
      return current.next.promise;
    }
    const now = pending<T>();
    this.start(key, now);
    return now.promise;
  }

  private start(key: string, waiter: Pending<T>): void {
    const slot: { next: Pending<T> | null } = { next: null };
    this.inFlight.set(key, slot);
    let result: Promise<T>;
    try {
      result = this.read(key);
    } catch (err) {
      result = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    result
      .then(waiter.resolve, waiter.reject)
      .finally(() => {
        const next = slot.next;
        if (next) this.start(key, next);
        else this.inFlight.delete(key);
      })
      .catch(() => undefined);
  }
}
