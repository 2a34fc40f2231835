/** CodeStore in this process's memory (see code-store.ts); each method runs to completion. */
import type { UserRef } from '@red-packet/sdk/protocol';
import type { CodeStore, PhraseEntry, ReceiveCodeRecord, ReceiveCodeSpec } from './code-store.js';

export class MemoryCodes implements CodeStore {
  private readonly receiveCodes = new Map<string, ReceiveCodeRecord>();
  /** owner → packet id → when received (insertion order = arrival order). */
  private readonly inboxes = new Map<string, Map<string, number>>();
  /** room → packet id → entry. */
  private readonly phrases = new Map<string, Map<string, PhraseEntry>>();

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
    const room = this.phrases.get(roomId) ?? new Map<string, PhraseEntry>();
    for (const [id, e] of room) if (e.expiresAt < at) room.delete(id);
    room.set(entry.packetId, { ...entry });
    this.phrases.set(roomId, room);
    return Promise.resolve();
  }

  findPhrase(roomId: string, phrase: string, at: number): Promise<string[]> {
    const found = [...(this.phrases.get(roomId)?.values() ?? [])]
      .filter((e) => e.phrase === phrase && e.expiresAt > at)
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .map((e) => e.packetId);
    return Promise.resolve(found);
  }
}
