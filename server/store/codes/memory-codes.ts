/** CodeStore in this process's memory (see code-store.ts); each method runs to completion. */
import type { UserRef } from '@red-packet/sdk/protocol';
import {
  INBOX_CAP,
  type CodeStore,
  type PhraseEntry,
  type ReceiveCodeRecord,
  type ReceiveCodeSpec,
} from './code-store.js';

export class MemoryCodes implements CodeStore {
  private readonly receiveCodes = new Map<string, ReceiveCodeRecord>();
  /** owner → packet id → when received (insertion order = arrival order). */
  private readonly inboxes = new Map<string, Map<string, number>>();
  /** room → phrase → packet id → expiresAt. */
  private readonly phrases = new Map<string, Map<string, Map<string, number>>>();

  currentReceiveCode(user: UserRef, at: number): Promise<ReceiveCodeRecord> {
    const existing = this.receiveCodes.get(user.userId);
    if (existing) return Promise.resolve({ ...existing });
    return this.renewReceiveCode(user, { amount: null, note: '' }, at);
  }

  renewReceiveCode(user: UserRef, spec: ReceiveCodeSpec, at: number): Promise<ReceiveCodeRecord> {
    const version = (this.receiveCodes.get(user.userId)?.version ?? 0) + 1;
    const record: ReceiveCodeRecord = {
      userId: user.userId,
      name: user.name,
      version,
      amount: spec.amount,
      note: spec.note,
      issuedAt: at,
    };
    this.receiveCodes.set(user.userId, record);
    return Promise.resolve({ ...record });
  }

  getReceiveCode(userId: string): Promise<ReceiveCodeRecord | null> {
    const record = this.receiveCodes.get(userId);
    return Promise.resolve(record ? { ...record } : null);
  }

  addReceived(ownerId: string, packetId: string, at: number): Promise<void> {
    const inbox = this.inboxes.get(ownerId) ?? new Map<string, number>();
    if (!inbox.has(packetId)) inbox.set(packetId, at);
    if (inbox.size > INBOX_CAP) {
      const oldest = [...inbox.entries()].sort((a, b) => a[1] - b[1]).slice(0, inbox.size - INBOX_CAP);
      for (const [id] of oldest) inbox.delete(id);
    }
    this.inboxes.set(ownerId, inbox);
    return Promise.resolve();
  }

  removeReceived(ownerId: string, packetIds: string[]): Promise<void> {
    const inbox = this.inboxes.get(ownerId);
    for (const id of packetIds) inbox?.delete(id);
    return Promise.resolve();
  }

  listReceived(ownerId: string, limit: number): Promise<string[]> {
    const ids = [...(this.inboxes.get(ownerId)?.entries() ?? [])]
      .sort((a, b) => b[1] - a[1])
      .map(([id]) => id);
    return Promise.resolve(ids.slice(0, limit));
  }

  indexPhrase(roomId: string, entry: PhraseEntry, at: number): Promise<void> {
    const room = this.phrases.get(roomId) ?? new Map<string, Map<string, number>>();
    const ids = room.get(entry.phrase) ?? new Map<string, number>();
    for (const [id, expiresAt] of ids) if (expiresAt < at) ids.delete(id);
    ids.set(entry.packetId, entry.expiresAt);
    room.set(entry.phrase, ids);
    this.phrases.set(roomId, room);
    return Promise.resolve();
  }

  findPhrase(roomId: string, phrase: string, at: number): Promise<string[]> {
    const ids = this.phrases.get(roomId)?.get(phrase) ?? new Map<string, number>();
    const found = [...ids.entries()]
      .filter(([, expiresAt]) => expiresAt > at)
      .sort((a, b) => a[1] - b[1])
      .map(([id]) => id);
    return Promise.resolve(found);
  }
}
