/**
 * One schema per inbound payload (socket events and HTTP bodies). Payloads are untrusted:
 * the server parses every one of them here, at the edge, so handlers receive typed, valid
 * values. Objects are strict: unknown keys are refused rather than silently dropped.
 *
 * Schemas check shape and obvious bounds; configurable business limits (for example the
 * largest packet total) are checked by the server's domain code and answer LIMIT_EXCEEDED.
 */
import { z } from 'zod';

/** Room, packet and user identifiers: short, printable, URL-safe. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

/** A positive amount of money in integer fen. */
export const fenSchema = z.int().positive();

export const roleSchema = z.enum(['user', 'host', 'admin']);

export const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');

export const timeSyncSchema = z.strictObject({});

export const roomJoinSchema = z.strictObject({ roomId: idSchema });

export const roomLeaveSchema = z.strictObject({ roomId: idSchema });

/** Chat text: 1..500 characters after trimming, no control characters but newline. */
export const chatSendSchema = z.strictObject({
  roomId: idSchema,
  text: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .regex(/^[^\p{Cc}]*(?:\n[^\p{Cc}]*)*$/u, 'no control characters'),
});

const greetingSchema = z.string().trim().max(64).optional();

const luckyShape = {
  kind: z.literal('lucky'),
  total: fenSchema,
  count: z.int().positive(),
  greeting: greetingSchema,
};
const equalShape = {
  kind: z.literal('equal'),
  amount: fenSchema,
  count: z.int().positive(),
  greeting: greetingSchema,
};
const luckyNeedsOneFenPerShare = {
  message: 'a lucky packet needs at least 1 fen per share (total >= count)',
  path: ['total'],
};

/** The body of a group packet, without the room (HTTP takes the room from the path). */
export const packetSpecSchema = z
  .discriminatedUnion('kind', [z.strictObject(luckyShape), z.strictObject(equalShape)])
  .refine((p) => p.kind !== 'lucky' || p.total >= p.count, luckyNeedsOneFenPerShare);

/** `packet:send`: a packet spec plus the room it goes to. */
export const packetSendSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ roomId: idSchema, ...luckyShape }),
    z.strictObject({ roomId: idSchema, ...equalShape }),
  ])
  .refine((p) => p.kind !== 'lucky' || p.total >= p.count, luckyNeedsOneFenPerShare);

export const packetGrabSchema = z.strictObject({ packetId: idSchema });

export const devTokenBodySchema = z.strictObject({
  userId: idSchema,
  name: displayNameSchema,
  role: roleSchema.default('user'),
});

export const creditBodySchema = z.strictObject({
  amount: fenSchema,
  /** Optional idempotency key: a repeated key mints once. */
  idempotencyKey: idSchema.optional(),
});

export type Role = z.output<typeof roleSchema>;
export type TimeSyncPayload = z.input<typeof timeSyncSchema>;
export type RoomJoinPayload = z.input<typeof roomJoinSchema>;
export type RoomLeavePayload = z.input<typeof roomLeaveSchema>;
export type ChatSendPayload = z.input<typeof chatSendSchema>;
export type PacketSpec = z.output<typeof packetSpecSchema>;
export type PacketSendPayload = z.input<typeof packetSendSchema>;
export type PacketGrabPayload = z.input<typeof packetGrabSchema>;
export type DevTokenBody = z.input<typeof devTokenBodySchema>;
export type CreditBody = z.input<typeof creditBodySchema>;

/** The schema for each client→server event, by event name. */
export const eventSchemas = {
  'time:sync': timeSyncSchema,
  'room:join': roomJoinSchema,
  'room:leave': roomLeaveSchema,
  'chat:send': chatSendSchema,
  'packet:send': packetSendSchema,
  'packet:grab': packetGrabSchema,
} as const;

/** A short human message for a failed parse, naming the first offending field. */
export function describeIssues(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid payload';
  const path = first.path.length > 0 ? first.path.join('.') : 'payload';
  return `${path}: ${first.message}`;
}
