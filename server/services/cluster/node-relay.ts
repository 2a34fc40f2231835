/**
 * What nodes tell each other besides room broadcasts (over the NodeLink; nothing on a single
 * node):
 *  - events for one user (wallet:updated, karaoke:unlocked): delivered at once to the user's
 *    connections on this node, and to the other nodes in one message per tick for all users —
 *    not one adapter publish per grab;
 *  - a packet or drop that ran out or expired: published at once, so every node answers later
 *    grabs of it without a store call. On one Redis this reaches each peer before the room's
 *    `packet:finished` (same connections, in order).
 * A lost message costs a peer a cache hint or a balance notice (the balance is in the wallet
 * and GET /v1/me), never money.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { Logger } from '../../observability/logger.js';
import type { ExhaustedReason } from '../packets/packet-facts.js';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** [userId, event, args] */
type UserEvent = [string, string, unknown[]];

interface RelayMessage {
  from: string;
  users?: UserEvent[];
  packet?: [string, ExhaustedReason];
  drop?: [string, string];
}

/**
 * A pub/sub channel between the nodes of one deployment, beside the socket.io adapter
 * (transport/node-link.ts implements it over Redis).
 */
export interface NodeLink {
  /** Sends to every other node (and this one: receivers skip their own messages). */
  publish(message: Buffer): void;
  /** Registers the receiver (one per node). */
  onMessage(listener: (message: Buffer) => void): void;
  close(): Promise<void>;
}

export interface RelayHandlers {
  packetClosed(packetId: string, reason: ExhaustedReason): void;
  dropGone(rainId: string, dropId: string): void;
}

export class NodeRelay {
  private users: UserEvent[] = [];
  private handlers: RelayHandlers | null = null;

  constructor(
    private readonly nodeId: string,
    private readonly link: NodeLink | null,
    private readonly deliverLocal: (
      userId: string,
      event: string,
      args: unknown[],
      exceptConn?: string,
    ) => void,
    private readonly log: Logger,
  ) {
    link?.onMessage((message) => this.receive(message));
  }

  /** Where learned facts go (the packet and rain services' caches). */
  handle(handlers: RelayHandlers): void {
    this.handlers = handlers;
  }

  /** @param exceptConn a local connection left out (it learned the news another way) */
  toUser(userId: string, event: string, args: unknown[], exceptConn?: string): void {
    this.deliverLocal(userId, event, args, exceptConn);
    if (this.link) this.users.push([userId, event, args]);
  }

  packetClosed(packetId: string, reason: ExhaustedReason): void {
    this.send({ from: this.nodeId, packet: [packetId, reason] });
  }

  dropGone(rainId: string, dropId: string): void {
    this.send({ from: this.nodeId, drop: [rainId, dropId] });
  }

  /** Sends this tick's user events to the other nodes in one message. */
  flush(): void {
    if (this.users.length === 0) return;
    const users = this.users;
    this.users = [];
    this.send({ from: this.nodeId, users });
  }

  private send(message: RelayMessage): void {
    this.link?.publish(packr.pack(message));
  }

  private receive(raw: Buffer): void {
    let message: RelayMessage;
    try {
      message = unpackr.unpack(raw) as RelayMessage;
    } catch (err) {
      this.log.warn({ err }, 'undecodable node relay message');
      return;
    }
    if (message.from === this.nodeId) return;
    for (const [userId, event, args] of message.users ?? []) this.deliverLocal(userId, event, args);
    if (message.packet) this.handlers?.packetClosed(...message.packet);
    if (message.drop) this.handlers?.dropGone(...message.drop);
  }
}
