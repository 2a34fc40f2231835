/**
 * Receive codes (收款码): every user has a signed personal code, optionally with a fixed
 * amount and a note (a shop's code), revoked by issuing a new one. Scanning it opens "send a
 * red packet to X": the payer funds an *exclusive* packet that only X can open; unopened, it
 * is refunded to the payer at expiry like any packet.
 *
 *   pay   verify HMAC (no store call) → current version? (the owner's slot)
 *         → PacketService.send: hold → inbox entry (write-ahead, owner's slot) → create
 *         → `packet:received` to the owner's sockets on every node (user room, via adapter)
 *   open  PacketService.grab — the store lets only the owner through (domain/claim-gate.ts)
 */
import type {
  ClaimRule,
  PacketView,
  ReceiveCodeInfo,
  ReceiveCodeView,
  UserRef,
} from '@red-packet/sdk/protocol';
import type { ReceivePayBody } from '@red-packet/sdk/schemas';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { receiveCodePath, type CodeSigner } from '../../domain/signed-codes.js';
import type { Logger } from '../../observability/logger.js';
import type { ReceiveCodeRecord } from '../../store/codes/code-store.js';
import type { Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { ClaimVia } from '../risk/claim-risk.js';
import type { GrabResult, PacketService } from '../packets/packet-service.js';
import { packetView } from '../packets/packet-views.js';
import type { TextCheck } from '../screening/content-screen.js';

/** The room an exclusive packet is filed under: no client can join it (ids have no `@`). */
export const inboxRoomId = (ownerId: string): string => `@${ownerId}`;

/** Inbox entries looked at per GET /v1/me/received. */
const INBOX_PAGE = 50;

export class ReceiveService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly packets: PacketService,
    private readonly signer: CodeSigner,
    private readonly broadcaster: Broadcaster,
    private readonly log: Logger,
    /** Content screening of the note (services/screening/content-screen.ts). */
    private readonly screenText?: TextCheck,
  ) {}

  /** The caller's current receive code (made on first use). */
  async mine(user: UserRef): Promise<ReceiveCodeView> {
    return this.view(await this.store.codes.currentReceiveCode(user, this.clock.now()));
  }

  /** Issues a new receive code for the caller; every earlier one is revoked. */
  async renew(user: UserRef, spec: { amount?: number; note?: string }): Promise<ReceiveCodeView> {
    await this.screenText?.(user, 'receive-note', spec.note);
    const record = await this.store.codes.renewReceiveCode(
      user,
      { amount: spec.amount ?? null, note: spec.note ?? '' },
      this.clock.now(),
    );
    return this.view(record);
  }

  /** What a scanned receive code says: CODE_INVALID (forged, or not a receive code), CODE_REVOKED. */
  async resolve(code: string): Promise<ReceiveCodeInfo> {
    const record = await this.current(code);
    return { owner: { userId: record.userId, name: record.name }, amount: record.amount, note: record.note };
  }

  /** Pays `body.code`'s owner an exclusive packet funded from the payer's wallet. */
  async pay(payer: UserRef, body: ReceivePayBody): Promise<PacketView> {
    const record = await this.current(body.code);
    if (record.userId === payer.userId) throw new GameError('FORBIDDEN', 'this is your own receive code');
    if (record.amount !== null && body.amount !== undefined && body.amount !== record.amount) {
      throw new GameError('INVALID_PAYLOAD', `amount: this code takes exactly ${record.amount} fen`);
    }
    const amount = record.amount ?? body.amount;
    if (amount === undefined) throw new GameError('INVALID_PAYLOAD', 'amount: required by this code');
    const owner: UserRef = { userId: record.userId, name: record.name };
    const claim: ClaimRule = {
      type: 'exclusive',
      ownerId: owner.userId,
      ownerName: owner.name,
      note: record.note,
    };
    // The payer answers for their own greeting only: the owner's note was screened when set.
    await this.screenText?.(payer, 'greeting', body.greeting);
    const id = newId('pk');
    // The inbox entry is written by send once the payer's money is held, before the packet
    // (write-ahead): a payment refused for funds leaves the owner's inbox alone.
    const indexAhead = () => this.store.codes.addReceived(owner.userId, id, this.clock.now());
    const packet = await this.packets.send(
      payer,
      inboxRoomId(owner.userId),
      { kind: 'equal', amount, count: 1, greeting: body.greeting ?? record.note },
      { id, claim, screened: true, indexAhead },
    );
    this.broadcaster.toUser(owner.userId, 'packet:received', {
      packet,
      from: { userId: payer.userId, name: payer.name },
    });
    return packet;
  }

  /** Opens an exclusive packet paid to the caller (FORBIDDEN for anyone else's). */
  async open(user: UserRef, packetId: string, via: ClaimVia = {}): Promise<GrabResult> {
    const { claim } = await this.packets.facts.of(packetId);
    if (claim.type !== 'exclusive') {
      throw new GameError('INVALID_PAYLOAD', 'not a packet paid to a receive code: grab it in its room');
    }
    const result = await this.packets.grab(user, packetId, undefined, via);
    await this.store.codes.removeReceived(user.userId, [packetId]).catch((err: unknown) => {
      this.log.warn({ err, packetId }, 'could not drop an opened packet from the inbox');
    });
    return result;
  }

  /** Exclusive packets paid to the caller and still unopened, newest first. */
  async received(user: UserRef): Promise<PacketView[]> {
    const ids = await this.store.codes.listReceived(user.userId, INBOX_PAGE);
    const packets = await Promise.all(ids.map((id) => this.store.packets.getPacket(id)));
    const open = packets.flatMap((p) => (p?.status === 'open' ? [packetView(p)] : []));
    const closed = ids.filter((_, i) => packets[i] && packets[i].status !== 'open');
    if (closed.length > 0) await this.store.codes.removeReceived(user.userId, closed);
    return open;
  }

  /** The record a genuine, current receive code names. */
  private async current(code: string): Promise<ReceiveCodeRecord> {
    const parsed = this.signer.verify(code, this.clock.now());
    if (parsed.kind !== 'receive') {
      throw new GameError('CODE_INVALID', 'this is a packet code: claim it (code:claim)');
    }
    const record = await this.store.codes.getReceiveCode(parsed.userId);
    if (!record || record.version < parsed.version)
      throw new GameError('CODE_INVALID', 'this code is not valid');
    if (record.version > parsed.version) {
      throw new GameError('CODE_REVOKED', 'this receive code was replaced by a newer one');
    }
    return record;
  }

  private view(record: ReceiveCodeRecord): ReceiveCodeView {
    const code = this.signer.receive(record.userId, record.version);
    return {
      code,
      path: receiveCodePath(code),
      version: record.version,
      amount: record.amount,
      note: record.note,
      issuedAt: record.issuedAt,
    };
  }
}
