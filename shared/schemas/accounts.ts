/** Tokens, test money, step-up refreshes, device ids and bans. */
import { z } from 'zod';
import { displayNameSchema, fenSchema, idSchema, roleSchema } from './common.js';

export const devTokenBodySchema = z.strictObject({
  userId: idSchema,
  name: displayNameSchema,
  role: roleSchema.default('user'),
  /** Marks the user a minor (the `minor: true` claim; the curfew applies). */
  minor: z.boolean().optional(),
});

export const creditBodySchema = z.strictObject({
  amount: fenSchema,
  /** Optional idempotency key: a repeated key mints once. */
  idempotencyKey: idSchema.optional(),
});

/** GET /v1/admin/reconcile: `all=1` compares every user the ledger knows. */
export const reconcileQuerySchema = z.strictObject({ all: z.enum(['0', '1']).optional() });

/** `auth:refresh`: a fresh token of the same user, for step-up verification. */
export const authRefreshSchema = z.strictObject({ token: z.string().min(1).max(4096) });

/** An optional device id sent in the handshake (`auth.deviceId`), for account clustering. */
export const deviceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits, _ . : - (at most 128)');

/** POST /v1/admin/users/:id/ban */
export const banBodySchema = z
  .strictObject({ reason: z.string().trim().min(1).max(200).optional() })
  .optional();
