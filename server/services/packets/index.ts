/**
 * Group packets and the ways to unlock them: send, grab, cancel and expire (PacketService,
 * with its PacketFacts), grabs announced in batches per room, expired packets refunded by a
 * sweep, password packets grabbed by saying the phrase in chat, karaoke packets unlocked by
 * listening.
 *
 *   a grab ─► PacketService.grab ─► Payments.pay ─► GrabBatcher (one packet:grabbed per room
 *             │                                      per GRAB_BATCH_MS)
 *             ├─► claimRisk around every claim, admitSend / screenText on a send (risk,
 *             │   screening)
 *             ├─► onFenceAttempt on a fenced claim with a location (fences: FenceAudit)
 *             └─► peers, when it learns a packet closed (the cluster's relay: the other nodes)
 */
import type { RandomInt } from '../../domain/split.js';
import type { Payments } from '../money/payments.js';
import type { ClaimRisk } from '../risk/claim-risk.js';
import type { SendGate } from '../risk/risk-service.js';
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import type { TextCheck } from '../screening/content-screen.js';
import { ExpirySweeper } from './expiry-sweeper.js';
import { GrabBatcher } from './grab-batcher.js';
import { KaraokeService } from './karaoke-service.js';
import type { ExhaustedReason } from './packet-facts.js';
import { PacketService, type FenceAttemptEvent } from './packet-service.js';
import { PhraseService } from './phrase-service.js';

/** What packets tell the other nodes: the cluster's NodeRelay. */
export interface PacketPeers {
  /** This node learned a packet closed: the others answer its grabs without the store. */
  packetClosed(packetId: string, reason: ExhaustedReason): void;
  /** Sends the user events (wallet notices) batched since the last flush. */
  flush(): void;
}

export interface PacketsNeeds {
  payments: Payments;
  peers: PacketPeers;
  admitSend: SendGate;
  /** The risk gate every claim passes (RiskService.guardClaim). */
  claimRisk: ClaimRisk;
  /** A room's member count as this node knows it (rooms' Presence), for the grab batches' budget. */
  roomSize: (roomId: string) => number | undefined;
  screenText: TextCheck;
  /** Logs a claim on a fenced packet that presented a location (the fences' FenceAudit). */
  onFenceAttempt: (attempt: FenceAttemptEvent) => Promise<void>;
  randomInt?: RandomInt;
}

export interface PacketsConcept extends ConceptTasks {
  packets: PacketService;
  /** Its pending grabs are flushed at close. */
  grabs: GrabBatcher;
  sweeper: ExpirySweeper;
  phrases: PhraseService;
  karaoke: KaraokeService;
}

export function createPacketsConcept(node: NodeBasics, needs: PacketsNeeds): PacketsConcept {
  const { config, store, clock, broadcaster, metrics, log } = node;
  const { peers } = needs;
  const grabs = new GrabBatcher(broadcaster, {
    members: needs.roomSize,
    deliveriesPerSec: config.timers.grabRoomDeliveriesPerSec,
    batchMs: config.timers.grabBatchMs,
    now: () => clock.now(),
  });
  const packets = new PacketService({
    store,
    clock,
    broadcaster,
    payments: needs.payments,
    grabs,
    metrics,
    log,
    limits: config.limits,
    admitSend: needs.admitSend,
    claimRisk: needs.claimRisk,
    screenText: needs.screenText,
    onClosed: (packetId, reason) => peers.packetClosed(packetId, reason),
    fence: config.fence,
    onFenceAttempt: needs.onFenceAttempt,
    ...(needs.randomInt ? { randomInt: needs.randomInt } : {}),
  });
  const sweeper = new ExpirySweeper(store, packets, clock);
  const karaoke = new KaraokeService(store, clock, broadcaster, config.karaoke);
  return {
    packets,
    grabs,
    sweeper,
    phrases: new PhraseService(store, clock, packets, log),
    karaoke,
    tasks: [
      new Periodic(
        'expiry-sweeper',
        config.timers.sweepIntervalMs,
        () => sweeper.sweep().then(() => undefined),
        log,
      ),
      // The peers' batched user events (mostly grabs' wallet notices) go out in the same beat.
      new Periodic(
        'grab-batches',
        config.timers.grabBatchMs,
        () => {
          grabs.flush();
          peers.flush();
          return Promise.resolve();
        },
        log,
      ),
      new Periodic(
        'karaoke-listened',
        config.karaoke.listenedIntervalMs,
        () => {
          karaoke.flushListened();
          return Promise.resolve();
        },
        log,
      ),
    ],
  };
}
