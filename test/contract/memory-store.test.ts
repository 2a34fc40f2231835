import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@red-packet/sdk/protocol';
import { MemoryStore } from '../../server/store/memory-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('MemoryStore', () => Promise.resolve(new MemoryStore()));

describe('MemoryStore: what lapses', () => {
  const line = (roomId: string, at: number): ChatMessage => ({
    id: `m-${roomId}-${at}`,
    roomId,
    userId: 'u',
    name: 'U',
    text: 'hello',
    at,
  });

  it('forgets a room’s chat once nobody has spoken in it for the lifetime; each line renews it', async () => {
    const store = new MemoryStore();
    const ttl = 60_000;
    await store.rooms.appendChat(line('idle', 0), 50, ttl);
    await store.rooms.appendChat(line('busy', 0), 50, ttl);
    await store.rooms.appendChat(line('busy', 59_000), 50, ttl);
    await store.rooms.appendChat(line('other', 59_999), 50, ttl);
    expect(await store.rooms.recentChat('idle', 50)).toHaveLength(1);
    await store.rooms.appendChat(line('other', 60_000), 50, ttl);
    expect(await store.rooms.recentChat('idle', 50)).toEqual([]);
    expect(await store.rooms.recentChat('busy', 50)).toHaveLength(2);
    await store.rooms.appendChat(line('other', 119_000), 50, ttl);
    expect(await store.rooms.recentChat('busy', 50)).toEqual([]);
    expect(await store.rooms.recentChat('other', 50)).toHaveLength(3);
  });
});
