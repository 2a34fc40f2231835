/** Rains: their spec, cancels and drop grabs. */
import { z } from 'zod';
import { fenSchema, idSchema } from './common.js';

type RainFields = z.output<z.ZodObject<typeof rainShape>>;

const rainShape = {
  /** Budget, fen, pre-split over drops × sharesPerDrop shares. */
  total: fenSchema,
  drops: z.int().min(1),
  sharesPerDrop: z.int().min(1).max(100).default(1),
  /** Start by server time (ms epoch), or … */
  startAt: z.int().positive().optional(),
  /** … in this many ms from now (default 3000). */
  startInMs: z.int().min(0).max(86_400_000).optional(),
  durationMs: z.int().min(1_000),
  /** How long a released drop can be grabbed. */
  dropTtlMs: z.int().min(200).max(60_000).default(3_000),
  maxGrabsPerUser: z.int().min(1).optional(),
  split: z.enum(['lucky', 'equal']).default('lucky'),
  /** `lottery`: each drop is drawn among the grabs in its window (docs/fairness.md); `race`: first come. */
  mode: z.enum(['race', 'lottery']).default('lottery'),
  /** Lottery: how long a drop's ticket window stays open, ms. */
  windowMs: z.int().min(50).max(10_000).default(400),
  /** Lottery: the window opens this long after release; grabs before it are refused, ms. */
  reactionFloorMs: z.int().min(0).max(5_000).default(150),
  /** Most grab attempts per user per second in this rain (both modes). */
  maxTapsPerSec: z.int().min(1).max(1_000).default(8),
};

function checkRain(r: RainFields, ctx: z.RefinementCtx): void {
  const shares = r.drops * r.sharesPerDrop;
  const fail = (path: string, message: string): void => {
    ctx.addIssue({ code: 'custom', path: [path], message });
  };
  if (r.startAt !== undefined && r.startInMs !== undefined)
    fail('startAt', 'give startAt or startInMs, not both');
  if (r.total < shares)
    fail('total', 'a rain needs at least 1 fen per share (total >= drops × sharesPerDrop)');
  if (r.split === 'equal' && r.total % shares !== 0) {
    fail('total', 'an equal rain needs total divisible by drops × sharesPerDrop');
  }
  if (r.mode === 'lottery' && r.dropTtlMs <= r.reactionFloorMs + r.windowMs)
    fail('dropTtlMs', 'a lottery drop must live longer than reactionFloorMs + windowMs');
}

/** The body of a rain, without the room (HTTP takes the room from the path). */
export const rainSpecSchema = z.strictObject(rainShape).superRefine(checkRain);

/** `rain:schedule`: a rain spec plus the room it falls in. */
export const rainScheduleSchema = z.strictObject({ roomId: idSchema, ...rainShape }).superRefine(checkRain);

export const rainCancelSchema = z.strictObject({ rainId: idSchema });

export const dropGrabSchema = z.strictObject({ rainId: idSchema, dropId: idSchema });
