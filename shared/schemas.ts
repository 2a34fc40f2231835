/**
 * One schema per inbound payload (socket events and HTTP bodies). Payloads are untrusted:
 * the server parses every one of them here, at the edge, so handlers receive typed, valid
 * values. Objects are strict: unknown keys are refused rather than silently dropped.
 *
 * Schemas check shape and obvious bounds; configurable business limits (for example the
 * largest packet total) are checked by the server's domain code and answer LIMIT_EXCEEDED.
 */
import { z } from 'zod';
import {
  authRefreshSchema,
  banBodySchema,
  creditBodySchema,
  devTokenBodySchema,
} from './schemas/accounts.js';
import {
  codeClaimSchema,
  receiveCodeBodySchema,
  receivePaySchema,
  staticCodeBodySchema,
} from './schemas/codes.js';
import { fenceSchema, locationSchema, roleSchema } from './schemas/common.js';
import {
  claimRuleSchema,
  karaokeProgressSchema,
  karaokeStartSchema,
  nearbyQuerySchema,
  packetCancelSchema,
  packetGrabSchema,
  packetNearbySchema,
  packetOpenSchema,
  packetSendSchema,
  packetSpecSchema,
  unlockSchema,
} from './schemas/packets.js';
import { dropGrabSchema, rainCancelSchema, rainScheduleSchema, rainSpecSchema } from './schemas/rains.js';
import { chatSendSchema, roomJoinSchema, roomLeaveSchema, timeSyncSchema } from './schemas/rooms.js';

export * from './schemas/common.js';
export * from './schemas/rooms.js';
export * from './schemas/accounts.js';
export * from './schemas/packets.js';
export * from './schemas/rains.js';
export * from './schemas/codes.js';

export type Role = z.output<typeof roleSchema>;
export type AuthRefreshPayload = z.input<typeof authRefreshSchema>;
export type BanBody = z.input<typeof banBodySchema>;
export type TimeSyncPayload = z.input<typeof timeSyncSchema>;
export type RoomJoinPayload = z.input<typeof roomJoinSchema>;
export type RoomLeavePayload = z.input<typeof roomLeaveSchema>;
export type ChatSendPayload = z.input<typeof chatSendSchema>;
export type PacketSpec = z.output<typeof packetSpecSchema>;
export type PacketSendPayload = z.input<typeof packetSendSchema>;
export type PacketGrabPayload = z.input<typeof packetGrabSchema>;
export type PacketCancelPayload = z.input<typeof packetCancelSchema>;
export type DevTokenBody = z.input<typeof devTokenBodySchema>;
export type CreditBody = z.input<typeof creditBodySchema>;
export type RainSpec = z.output<typeof rainSpecSchema>;
export type RainSchedulePayload = z.input<typeof rainScheduleSchema>;
export type RainCancelPayload = z.input<typeof rainCancelSchema>;
export type DropGrabPayload = z.input<typeof dropGrabSchema>;
export type Unlock = z.output<typeof unlockSchema>;
export type ClaimRuleSpec = z.output<typeof claimRuleSchema>;
export type CodeClaimPayload = z.input<typeof codeClaimSchema>;
export type PacketOpenPayload = z.input<typeof packetOpenSchema>;
export type StaticCodeBody = z.input<typeof staticCodeBodySchema>;
export type ReceiveCodeBody = z.input<typeof receiveCodeBodySchema>;
export type ReceivePayBody = z.input<typeof receivePaySchema>;
export type KaraokeStartPayload = z.input<typeof karaokeStartSchema>;
export type KaraokeProgressPayload = z.input<typeof karaokeProgressSchema>;
export type Fence = z.output<typeof fenceSchema>;
export type ClaimLocation = z.output<typeof locationSchema>;
export type PacketNearbyPayload = z.input<typeof packetNearbySchema>;
export type NearbyQuery = z.output<typeof nearbyQuerySchema>;

/** The schema for each client→server event, by event name. */
export const eventSchemas = {
  'time:sync': timeSyncSchema,
  'room:join': roomJoinSchema,
  'room:leave': roomLeaveSchema,
  'chat:send': chatSendSchema,
  'packet:send': packetSendSchema,
  'packet:grab': packetGrabSchema,
  'packet:cancel': packetCancelSchema,
  'packet:nearby': packetNearbySchema,
  'rain:schedule': rainScheduleSchema,
  'rain:cancel': rainCancelSchema,
  'drop:grab': dropGrabSchema,
  'karaoke:start': karaokeStartSchema,
  'karaoke:progress': karaokeProgressSchema,
  'code:claim': codeClaimSchema,
  'packet:open': packetOpenSchema,
  'auth:refresh': authRefreshSchema,
} as const;

/** A short human message for a failed parse, naming the first offending field. */
export function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid payload';
  const path = first.path.length > 0 ? first.path.join('.') : 'payload';
  return `${path}: ${first.message}`;
}
