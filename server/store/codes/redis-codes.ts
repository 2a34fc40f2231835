/**
 * CodeStore over Redis / Redis Cluster (see code-store.ts). Keys share the owner's wallet
 * tag `{u:<userId>}` or the room's tag `{r:<roomId>}`, so every call touches one slot:
 *
 *   rp:{u:<userId>}:recv-code   hash   version, name, amount, note, issuedAt (code-receive.lua)
 *   rp:{u:<userId>}:received    zset   exclusive packets paid to the user; score = when
 *   rp:{r:<roomId>}:phrase:<p>  zset   packets with the phrase whose UTF-8 bytes in base64url
 *                                      are <p>; score = the packet's expiresAt; the key expires
 *                                      a minute after its last entry (code-phrase-index.lua)
 *
 * A phrase has a key of its own so a chat line reads only the packets it can grab: a room
 * with ten thousand phrases costs a line no more than a room with one.
 */
import type { UserRef } from '@red-packet/sdk/protocol';
import { RedisPart } from '../redis/part.js';
import {
  INBOX_CAP,
  type CodeStore,
  type PhraseEntry,
  type ReceiveCodeRecord,
  type ReceiveCodeSpec,
} from './code-store.js';

/** How long a phrase's key outlives its last entry, ms. */
const PHRASE_KEY_SLACK_MS = 60_000;

function decodeReceiveCode(userId: string, h: Record<string, string>): ReceiveCodeRecord {
  return {
    userId,
    name: h.name ?? userId,
    version: Number(h.version ?? 0),
    amount: h.amount ? Number(h.amount) : null,
    note: h.note ?? '',
    issuedAt: Number(h.issuedAt ?? 0),
  };
}

export class RedisCodes extends RedisPart implements CodeStore {
  private key(kind: 'u' | 'r', id: string, suffix: string): string {
    return `${this.keys.prefix}rp:{${kind}:${id}}${suffix}`;
  }

  private issue(mode: 'current' | 'renew', user: UserRef, spec: ReceiveCodeSpec, at: number) {
    return this.guard(async () => {
      const hash = await this.script(
        'code-receive',
        [this.key('u', user.userId, ':recv-code')],
        [mode, user.name, spec.amount ?? '', spec.note, at],
      );
      return decodeReceiveCode(user.userId, hash);
    });
  }

  currentReceiveCode(user: UserRef, at: number): Promise<ReceiveCodeRecord> {
    return this.issue('current', user, { amount: null, note: '' }, at);
  }

  renewReceiveCode(user: UserRef, spec: ReceiveCodeSpec, at: number): Promise<ReceiveCodeRecord> {
    return this.issue('renew', user, spec, at);
  }

  getReceiveCode(userId: string): Promise<ReceiveCodeRecord | null> {
    return this.guard(async () => {
      const h = await this.redis.hgetall(this.key('u', userId, ':recv-code'));
      return h.version ? decodeReceiveCode(userId, h) : null;
    });
  }

  addReceived(ownerId: string, packetId: string, at: number): Promise<void> {
    return this.guard(async () => {
      const key = this.key('u', ownerId, ':received');
      await this.redis.zadd(key, 'NX', at, packetId);
      await this.redis.zremrangebyrank(key, 0, -INBOX_CAP - 1);
    });
  }

  removeReceived(ownerId: string, packetIds: string[]): Promise<void> {
    if (packetIds.length === 0) return Promise.resolve();
    return this.guard(async () => {
      await this.redis.zrem(this.key('u', ownerId, ':received'), ...packetIds);
    });
  }

  listReceived(ownerId: string, limit: number): Promise<string[]> {
    return this.guard(() => this.redis.zrevrange(this.key('u', ownerId, ':received'), 0, limit - 1));
  }

  private phraseKey(roomId: string, phrase: string): string {
    return this.key('r', roomId, `:phrase:${Buffer.from(phrase).toString('base64url')}`);
  }

  indexPhrase(roomId: string, entry: PhraseEntry, at: number): Promise<void> {
    const key = this.phraseKey(roomId, entry.phrase);
    const args = [entry.packetId, entry.expiresAt, at, PHRASE_KEY_SLACK_MS];
    return this.script('code-phrase-index', [key], args).then(() => undefined);
  }

  findPhrase(roomId: string, phrase: string, at: number): Promise<string[]> {
    return this.guard(() => this.redis.zrangebyscore(this.phraseKey(roomId, phrase), `(${at}`, '+inf'));
  }
}
