/** Room and chat payloads, and the clock sync. */
import { z } from 'zod';
import { idSchema } from './common.js';

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
