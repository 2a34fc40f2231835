/** Signed packet codes, static codes and receive codes (收款码). */
import { z } from 'zod';
import { greetingSchema } from './packets.js';
import { fenSchema, locationSchema } from './common.js';

/** A signed packet code (`code:claim`, POST /v1/claims) or receive code, as scanned. */
export const codeSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9_.:~-]+$/, 'not a code');

export const codeClaimSchema = z.strictObject({ code: codeSchema, location: locationSchema.optional() });

/** A static (printable) packet code and how long it stays valid. */
export const staticCodeBodySchema = z.strictObject({
  /** ms from now; capped at the packet's own expiry. @default until the packet expires */
  ttlMs: z
    .int()
    .min(1_000)
    .max(30 * 86_400_000)
    .optional(),
});

/** A new receive code (收款码), revoking the previous one; a shop may fix the amount. */
export const receiveCodeBodySchema = z.strictObject({
  amount: fenSchema.optional(),
  note: z
    .string()
    .trim()
    .max(64)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters')
    .optional(),
});

/** Paying a receive code: an exclusive packet only the code's owner can open. */
export const receivePaySchema = z.strictObject({
  code: codeSchema,
  /** Fen; must equal the code's fixed amount when it has one (and may then be left out). */
  amount: fenSchema.optional(),
  greeting: greetingSchema,
});
