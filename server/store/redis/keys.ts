/**
 * Every Redis key the store uses, in one place. Keys are hash-tagged per wallet, packet or
 * room, so each Lua script touches one Redis Cluster slot, and no tag is shared by the whole
 * system. A prefix (per deployment, or per test) goes in front of everything.
 *
 *   wallet  {u:<userId>}    balance/minted hash, ledger list, mint ids, credited claim ids, holds
 *   packet  {p:<packetId>}  record hash, shares list, claims, outbox, abort tombstone, listens
 *   rain    {n:<rainId>}    record hash, drops hash, drop order, claims, leaderboard, outbox,
 *                           lottery batches, candidates and kept ticket lists
 *   room    {r:<roomId>}    chat list, member connections, open-packet and rain indexes
 *   global  (own slots)     the due-packet, live-packet and pending-hold indexes
 *   nodes   {nodes}         node liveness (node-registry.ts)
 *   restore {restore}       the restore marker, the dataset sentinel, a restore under way
 *   node    {m:<nodeId>}    the room memberships a node holds
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  private tag(kind: 'u' | 'p' | 'n' | 'r', id: string, suffix: string): string {
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
  listens(packetId: string): string {
    return this.tag('p', packetId, ':listens');
  }
  unlocked(packetId: string): string {
    return this.tag('p', packetId, ':unlocked');
  }

  rain(rainId: string): string {
    return this.tag('n', rainId, ':rain');
  }
  rainDrops(rainId: string): string {
    return this.tag('n', rainId, ':drops');
  }
  rainOrder(rainId: string): string {
    return this.tag('n', rainId, ':order');
  }
  rainClaims(rainId: string): string {
    return this.tag('n', rainId, ':claims');
  }
  rainBoard(rainId: string): string {
    return this.tag('n', rainId, ':board');
  }
  rainBoardInfo(rainId: string): string {
    return this.tag('n', rainId, ':board-info');
  }
  rainOutbox(rainId: string): string {
    return this.tag('n', rainId, ':outbox');
  }
  /** Lottery draws: dropId → winners JSON (lottery-store.ts). */
  rainDraws(rainId: string): string {
    return this.tag('n', rainId, ':draws');
  }
  /** Lottery batches handed in: `dropId\nnodeId` → JSON { h: digest, c: count, k: candidates }. */
  rainBatches(rainId: string): string {
    return this.tag('n', rainId, ':batches');
  }
  /** One node's ticket list for one drop (user ids, one per line), kept for replay. */
  rainBatchList(rainId: string, dropId: string, nodeId: string): string {
    return this.tag('n', rainId, `:list:${dropId}:${nodeId}`);
  }
  /** One drop's lottery candidates from every node: userId scored by rain-lottery.ts ticketScore. */
  rainCandidates(rainId: string, dropId: string): string {
    return this.tag('n', rainId, `:cands:${dropId}`);
  }
  /** The names of one drop's candidates: userId → name. */
  rainCandidateNames(rainId: string, dropId: string): string {
    return this.tag('n', rainId, `:names:${dropId}`);
  }
  /** Every grab attempt on a released drop (capped), for the host's report. */
  rainLog(rainId: string): string {
    return this.tag('n', rainId, ':log');
  }
  rainTombstone(rainId: string): string {
    return this.tag('n', rainId, ':aborted');
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
  roomRains(roomId: string): string {
    return this.tag('r', roomId, ':rains');
  }

  /** Scheduled or running rains; score = startAt. */
  activeRains(): string {
    return `${this.prefix}rp:active-rains`;
  }

  /** Open packets awaiting expiry; score = expiresAt. */
  duePackets(): string {
    return `${this.prefix}rp:due-packets`;
  }
  /** Packets and rains that are open, or closed with credits still in their outbox. */
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
  rainPattern(): string {
    return `${this.prefix}rp:{n:*}:rain`;
  }
  idOf(key: string): string {
    const open = key.indexOf('{');
    return key.slice(open + 3, key.indexOf('}', open));
  }

  /** Who restores Redis from the ledger now (restore-control.ts); expires unless refreshed. */
  restoreMarker(): string {
    return `${this.prefix}rp:{restore}:marker`;
  }
  /** Written once Redis holds the dataset (at start, after a restore): gone = the dataset was lost. */
  restoreSentinel(): string {
    return `${this.prefix}rp:{restore}:sentinel`;
  }
  /** A restore began and has not finished (a restorer died half-way: restore again). */
  restorePending(): string {
    return `${this.prefix}rp:{restore}:pending`;
  }

  /** Node liveness: sorted set nodeId → alive until (ms). */
  nodesAlive(): string {
    return `${this.prefix}rp:{nodes}:alive`;
  }
  /** Nodes some of whose memberships were reaped since their last beat (same slot). */
  nodesReaped(): string {
    return `${this.prefix}rp:{nodes}:reaped`;
  }
  /** A node's room memberships: hash `roomId\nconnId` → userId. */
  nodeMemberships(nodeId: string): string {
    return `${this.prefix}rp:{m:${nodeId}}:memberships`;
  }
}
