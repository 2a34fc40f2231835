/**
 * QR-code packets (二维码红包): the sender fetches a signed code — rotating every
 * CODE_ROTATE_MS, or static until an expiry for print — and anyone signed in who presents a
 * valid one claims a share, without joining the packet's room.
 *
 *   scan ──► verify HMAC and window (no store call: a forged code costs nothing)
 *        ──► the packet is a code packet (cached: a packet's claim rule never changes)
 *        ──► PacketService.grab — the same claim key per (packet, user) as a room grab
 */
import type { ClaimLocation, PacketCodeView, UserRef } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import { packetCodePath, type CodeSigner } from '../../domain/signed-codes.js';
import type { PacketRecord, Store } from '../../store/store.js';
import type { ClaimVia } from '../risk/claim-risk.js';
import type { PacketService } from '../packets/packet-service.js';

export interface CodeClaimResult {
  packetId: string;
  amount: number;
  remaining: number;
}

export class CodeService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly packets: PacketService,
    private readonly signer: CodeSigner,
  ) {}

  /** The packet's current rotating code (its sender only). */
  async rotating(user: UserRef, packetId: string): Promise<PacketCodeView> {
    await this.ownCodePacket(user, packetId);
    const now = this.clock.now();
    const { code, windowEndsAt } = this.signer.rotating(packetId, now);
    return {
      packetId,
      code,
      path: packetCodePath(code),
      kind: 'rotating',
      expiresAt: windowEndsAt,
      rotateMs: this.signer.rotateMs,
      serverTime: now,
    };
  }

  /** A static code valid for `ttlMs` (at most until the packet expires); its sender only. */
  async static(user: UserRef, packetId: string, ttlMs: number | undefined): Promise<PacketCodeView> {
    const packet = await this.ownCodePacket(user, packetId);
    const now = this.clock.now();
    const expiresAt = Math.min(packet.expiresAt, ttlMs === undefined ? packet.expiresAt : now + ttlMs);
    const code = this.signer.static(packetId, expiresAt);
    return {
      packetId,
      code,
      path: packetCodePath(code),
      kind: 'static',
      expiresAt,
      rotateMs: null,
      serverTime: now,
    };
  }

  /**
   * Claims a share with a code: CODE_INVALID / CODE_EXPIRED for a bad code (nothing
   * changes), then exactly PacketService.grab's answers (OUT_OF_AREA for a fenced code packet
   * claimed from outside its fence or without a location) (ALREADY_GRABBED for a user who
   * already has a share of it by any path).
   */
  async claim(
    user: UserRef,
    code: string,
    location?: ClaimLocation,
    via: ClaimVia = {},
  ): Promise<CodeClaimResult> {
    const parsed = this.signer.verify(code, this.clock.now());
    if (parsed.kind === 'receive') {
      throw new GameError('CODE_INVALID', 'this is a receive code: pay it (POST /v1/receive-codes/pay)');
    }
    const rule = (await this.packets.facts.find(parsed.packetId))?.claim;
    if (rule?.type !== 'code') throw new GameError('CODE_INVALID', 'this code names no code packet');
    // A fenced code packet (a shop opening: 扫码 + 地理围栏) also needs the claimer inside it.
    const result = await this.packets.grab(user, parsed.packetId, location ? { location } : {}, via);
    return { packetId: parsed.packetId, ...result };
  }

  private async ownCodePacket(user: UserRef, packetId: string): Promise<PacketRecord> {
    const packet = await this.store.packets.getPacket(packetId);
    if (!packet) throw new GameError('NOT_FOUND', 'no such packet');
    if (packet.senderId !== user.userId)
      throw new GameError('FORBIDDEN', 'only its sender can show its code');
    if (packet.claim?.type !== 'code') {
      throw new GameError('INVALID_PAYLOAD', "not a code packet: send it with claim: { type: 'code' }");
    }
    if (packet.status === 'finished') throw new GameError('PACKET_EMPTY', 'all shares are taken');
    if (packet.status === 'expired' || this.clock.now() >= packet.expiresAt) {
      throw new GameError('PACKET_EXPIRED', 'the packet has expired');
    }
    return packet;
  }
}
