/**
 * Every Redis key the store uses, in one place. Keys are hash-tagged per wallet, packet or
 * room, so each Lua script touches one Redis Cluster slot, and no tag is shared by the whole
 * system. A prefix (per deployment, or per test) goes in front of everything.
 *
 *   wallet  {u:<userId>}    balance/minted hash, ledger list, mint ids, credited claim ids, holds
 *   packet  {p:<packetId>}  record hash, shares list, claims hash, outbox hash, abort tombstone
 *   room    {r:<roomId>}    chat list, member connections, open-packet index
 *   global  (own slots)     the due-packet, live-packet and pending-hold indexes
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  private tag(kind: 'u' | 'p' | 'r', id: string, suffix: string): string {
    return `${this.prefix}rp:{${kind}:${id}}${suffix}`;
  }

  wallet(userId: string): string {
    return this.tag('u', userId, ':wallet');
  }
  ledger(userId: string): string {
    return this.tag('u', userId, ':ledger');
  }
  mints(userId: string): string {
    return this.tag('u', userId, ':mints');
  }
  credits(userId: string): string {
    return this.tag('u', userId, ':credits');
  }
  holds(userId: string): string {
    return this.tag('u', userId, ':holds');
  }

  packet(packetId: string): string {
    return this.tag('p', packetId, ':packet');
  }
  shares(packetId: string): string {
    return this.tag('p', packetId, ':shares');
  }
  claims(packetId: string): string {
    return this.tag('p', packetId, ':claims');
  }
  outbox(packetId: string): string {
    return this.tag('p', packetId, ':outbox');
  }
  tombstone(packetId: string): string {
    return this.tag('p', packetId, ':aborted');
  }

  chat(roomId: string): string {
    return this.tag('r', roomId, ':chat');
  }
  members(roomId: string): string {
    return this.tag('r', roomId, ':conns');
  }
  memberUsers(roomId: string): string {
    return this.tag('r', roomId, ':users');
  }
  roomPackets(roomId: string): string {
    return this.tag('r', roomId, ':packets');
  }

  /** Open packets awaiting expiry; score = expiresAt. */
  duePackets(): string {
    return `${this.prefix}rp:due-packets`;
  }
  /** Packets that are open, or closed with credits still in their outbox; score = expiresAt. */
  livePackets(): string {
    return `${this.prefix}rp:live-packets`;
  }
  /** Holds not yet settled or released, as `<userId>\n<holdId>`; score = when made. */
  pendingHolds(): string {
    return `${this.prefix}rp:pending-holds`;
  }

  /** SCAN pattern and parser for wallet keys (the audit walks every wallet). */
  walletPattern(): string {
    return `${this.prefix}rp:{u:*}:wallet`;
  }
  packetPattern(): string {
    return `${this.prefix}rp:{p:*}:packet`;
  }
  idOf(key: string): string {
    const open = key.indexOf('{');
    return key.slice(open + 3, key.indexOf('}', open));
  }
}
