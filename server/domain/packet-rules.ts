/**
 * Business rules for a new group packet, beyond payload shape: configurable limits
 * (LIMIT_EXCEEDED) and the shares it is split into.
 */
import type { PacketSpec } from '@red-packet/sdk/schemas';
import { GameError } from './errors.js';
import { equalSplit, luckySplit, secureRandomInt, type RandomInt } from './split.js';

export interface PacketLimits {
  packetMaxTotal: number;
  packetMaxCount: number;
  /** Shortest and longest song a karaoke packet may ask for, ms. */
  karaokeMinSongMs: number;
  karaokeMaxSongMs: number;
}

/** The packet's total in fen (for equal packets amount × count). */
export function packetTotal(spec: PacketSpec): number {
  return spec.kind === 'lucky' ? spec.total : spec.amount * spec.count;
}

/** Throws LIMIT_EXCEEDED if the spec breaks a configured limit. */
export function checkPacketLimits(spec: PacketSpec, limits: PacketLimits): void {
  if (spec.count > limits.packetMaxCount) {
    throw new GameError('LIMIT_EXCEEDED', `at most ${limits.packetMaxCount} shares per packet`);
  }
  const total = packetTotal(spec);
  if (!Number.isSafeInteger(total) || total > limits.packetMaxTotal) {
    throw new GameError('LIMIT_EXCEEDED', `a packet holds at most ${limits.packetMaxTotal} fen`);
  }
  const song = spec.unlock?.type === 'listen' ? spec.unlock.song : undefined;
  if (song && (song.durationMs < limits.karaokeMinSongMs || song.durationMs > limits.karaokeMaxSongMs)) {
    throw new GameError(
      'LIMIT_EXCEEDED',
      `a song lasts ${limits.karaokeMinSongMs}–${limits.karaokeMaxSongMs} ms`,
    );
  }
}

/** Pre-splits a valid spec into its shares (sum = packetTotal(spec)). */
export function splitPacket(spec: PacketSpec, randomInt: RandomInt = secureRandomInt): number[] {
  return spec.kind === 'lucky'
    ? luckySplit(spec.total, spec.count, randomInt)
    : equalSplit(spec.amount, spec.count);
}
