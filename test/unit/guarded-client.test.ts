import { describe, expect, it } from 'vitest';
import { guardClient } from '../../server/transport/guarded-client.js';

class FakeClient {
  sent: string[] = [];
  constructor(private readonly up: boolean) {}
  publish(channel: string): Promise<number> {
    if (!this.up) return Promise.reject(new Error('Connection is closed.'));
    this.sent.push(channel);
    return Promise.resolve(1);
  }
  subscribe(): Promise<void> {
    throw new Error('thrown synchronously');
  }
  status(): string {
    return this.up ? 'ready' : 'end';
  }
}

describe('guardClient', () => {
  it('turns a rejection of a guarded method into a reported failure and a resolved call', async () => {
    const failures: string[] = [];
    const client = guardClient(new FakeClient(false), ['publish', 'subscribe'], (method, err) =>
      failures.push(`${method}: ${err.message}`),
    );
    await expect(client.publish('room')).resolves.toBeUndefined();
    await expect(client.subscribe()).resolves.toBeUndefined();
    expect(failures).toEqual(['publish: Connection is closed.', 'subscribe: thrown synchronously']);
  });

  it('passes results and every other member through to the real client', async () => {
    const real = new FakeClient(true);
    const client = guardClient(real, ['publish'], () => {
      throw new Error('no failure expected');
    });
    await expect(client.publish('room')).resolves.toBe(1);
    expect(real.sent).toEqual(['room']);
    expect(client.status()).toBe('ready');
    expect(() => client.subscribe()).toThrow('thrown synchronously');
    // The same wrapper each time (no allocation per call on a hot path).
    expect(Reflect.get(client, 'publish')).toBe(Reflect.get(client, 'publish'));
  });
});
