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

/** A song to listen to. Its duration bounds are configuration (KARAOKE_*_SONG_MS). */
export const songSchema = z.strictObject({
  id: idSchema,
  title: z.string().trim().min(1).max(100),
  durationMs: z.int().positive(),
  url: z
    .string()
    .max(500)
    .regex(/^https?:\/\/\S+$/, 'an http(s) URL')
    .optional(),
});

/** Karaoke packets: grabbing is LOCKED until the grabber has listened to the song. */
export const listenUnlockSchema = z.strictObject({ type: z.literal('listen'), song: songSchema });

/**
 * The canonical form of a password packet's phrase and of a chat line compared with it:
 * Unicode NFKC (full-width ⇄ half-width), trimmed, inner whitespace runs as one space.
 * Case is kept: the phrase is what the sender typed.
 */
export function normalizePhrase(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/** Most characters in a phrase (after normalizePhrase). */
export const PHRASE_MAX = 32;

/** A password packet's phrase: 1–32 characters after normalizePhrase, no control characters. */
export const phraseSchema = z
  .string()
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters')
  .transform(normalizePhrase)
  .pipe(z.string().min(1).max(PHRASE_MAX));

/** Password packets (口令): grabbing is LOCKED unless the grab presents the phrase (a chat line). */
export const phraseUnlockSchema = z.strictObject({ type: z.literal('phrase'), phrase: phraseSchema });

export const unlockSchema = z.discriminatedUnion('type', [listenUnlockSchema, phraseUnlockSchema]);

/**
 * Who may claim a packet besides its room's members: `room` (the default) only they; `code`
 * also anyone signed in who presents one of the packet's signed codes (QR packets).
 */
export const claimRuleSchema = z.strictObject({ type: z.enum(['room', 'code']) });

/** A latitude in degrees, WGS 84: finite, in [-90, 90] (zod refuses NaN and ±Infinity). */
export const latitudeSchema = z.number().min(-90).max(90);

/** A longitude in degrees, WGS 84: finite, in [-180, 180]. */
export const longitudeSchema = z.number().min(-180).max(180);

/**
 * Location-fenced packets (同城 / 地理围栏): only claimers whose reported location is inside
 * the circle may claim (OUT_OF_AREA otherwise). The radius's bounds are configuration
 * (FENCE_MIN_RADIUS_M / FENCE_MAX_RADIUS_M, LIMIT_EXCEEDED outside them); the schema only
 * keeps it a positive whole number of metres below the Earth's half circumference.
 */
export const fenceSchema = z.strictObject({
  lat: latitudeSchema,
  lng: longitudeSchema,
  radiusM: z.int().positive().max(20_000_000),
});

/**
 * Where a claimer says they are (the browser's Geolocation API: coords.latitude, longitude,
 * accuracy). Client-reported, so it can be spoofed (docs/operations.md, "Location fences").
 * `accuracyM` is the radius of 95 % confidence in metres; the server credits at most
 * FENCE_ACCURACY_CAP_M of it.
 */
export const locationSchema = z.strictObject({
  lat: latitudeSchema,
  lng: longitudeSchema,
  accuracyM: z.number().min(0).max(1_000_000),
});

/**
 * Timed packets: grabbing opens at `opensAt` (server ms epoch) or `opensInMs` from now, not
 * both; how far ahead is configuration (PACKET_MAX_OPEN_DELAY_MS, LIMIT_EXCEEDED beyond it).
 */
const timedShape = {
  opensAt: z.int().positive().optional(),
  opensInMs: z
    .int()
    .min(0)
    .max(366 * 86_400_000)
    .optional(),
};
const luckyShape = {
  kind: z.literal('lucky'),
  total: fenSchema,
  count: z.int().positive(),
  greeting: greetingSchema,
  unlock: unlockSchema.optional(),
  ...timedShape,
  claim: claimRuleSchema.optional(),
  fence: fenceSchema.optional(),
};
const equalShape = {
  kind: z.literal('equal'),
  amount: fenSchema,
  count: z.int().positive(),
  greeting: greetingSchema,
  unlock: unlockSchema.optional(),
  ...timedShape,
  claim: claimRuleSchema.optional(),
  fence: fenceSchema.optional(),
};
const oneOpeningTime = {
  message: 'give opensAt or opensInMs, not both',
  path: ['opensAt'],
};
const hasOneOpeningTime = (p: { opensAt?: number | undefined; opensInMs?: number | undefined }): boolean =>
  p.opensAt === undefined || p.opensInMs === undefined;
/** A password packet is claimed by a chat line, which carries no location: it cannot be fenced. */
const fenceWithoutPhrase = {
  message: 'a password (phrase) packet cannot be fenced: a chat line carries no location',
  path: ['fence'],
};
const noFencedPhrase = (p: { fence?: unknown; unlock?: { type: string } | undefined }): boolean =>
  p.fence === undefined || p.unlock?.type !== 'phrase';
const luckyNeedsOneFenPerShare = {
  message: 'a lucky packet needs at least 1 fen per share (total >= count)',
  path: ['total'],
};

/** The body of a group packet, without the room (HTTP takes the room from the path). */
export const packetSpecSchema = z
  .discriminatedUnion('kind', [z.strictObject(luckyShape), z.strictObject(equalShape)])
  .refine((p) => p.kind !== 'lucky' || p.total >= p.count, luckyNeedsOneFenPerShare)
  .refine(hasOneOpeningTime, oneOpeningTime)
  .refine(noFencedPhrase, fenceWithoutPhrase);

/** `packet:send`: a packet spec plus the room it goes to. */
export const packetSendSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ roomId: idSchema, ...luckyShape }),
    z.strictObject({ roomId: idSchema, ...equalShape }),
  ])
  .refine((p) => p.kind !== 'lucky' || p.total >= p.count, luckyNeedsOneFenPerShare)
  .refine(hasOneOpeningTime, oneOpeningTime)
  .refine(noFencedPhrase, fenceWithoutPhrase);

/** `location`: required to claim a location-fenced packet (OUT_OF_AREA without it). */
export const packetGrabSchema = z.strictObject({ packetId: idSchema, location: locationSchema.optional() });

export const packetCancelSchema = z.strictObject({ packetId: idSchema });

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

type RainFields = z.output<z.ZodObject<typeof rainShape>>;

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

export const karaokeStartSchema = z.strictObject({ packetId: idSchema });

/** Playback position in the song, ms. */
export const karaokeProgressSchema = z.strictObject({
  packetId: idSchema,
  positionMs: z.int().min(0).max(86_400_000),
});

export const rainCancelSchema = z.strictObject({ rainId: idSchema });

export const dropGrabSchema = z.strictObject({ rainId: idSchema, dropId: idSchema });

/** A signed packet code (`code:claim`, POST /v1/claims) or receive code, as scanned. */
export const codeSchema = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9_.:~-]+$/, 'not a code');

export const codeClaimSchema = z.strictObject({ code: codeSchema, location: locationSchema.optional() });

/** Most packets one nearby search answers. */
export const NEARBY_MAX_RESULTS = 100;
const NEARBY_DEFAULT_RADIUS_M = 1_000;
const NEARBY_DEFAULT_LIMIT = 20;

/**
 * `packet:nearby`: open location-fenced packets whose centre is within `radiusM` of a point,
 * nearest first. The largest radius is configuration (NEARBY_MAX_RADIUS_M, LIMIT_EXCEEDED).
 */
export const packetNearbySchema = z.strictObject({
  lat: latitudeSchema,
  lng: longitudeSchema,
  radiusM: z.int().positive().max(20_000_000).default(NEARBY_DEFAULT_RADIUS_M),
  limit: z.int().min(1).max(NEARBY_MAX_RESULTS).default(NEARBY_DEFAULT_LIMIT),
});

/** A decimal number in a query string (no blanks, no hex, no `Infinity`). */
const queryNumber = z
  .string()
  .trim()
  .regex(/^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/, 'a decimal number')
  .transform(Number);

/** GET /v1/packets/nearby?lat=&lng=&radiusM=&limit= — the query of `packet:nearby`. */
export const nearbyQuerySchema = z.strictObject({
  lat: queryNumber.pipe(latitudeSchema),
  lng: queryNumber.pipe(longitudeSchema),
  radiusM: queryNumber.pipe(z.int().positive().max(20_000_000)).default(NEARBY_DEFAULT_RADIUS_M),
  limit: queryNumber.pipe(z.int().min(1).max(NEARBY_MAX_RESULTS)).default(NEARBY_DEFAULT_LIMIT),
});

/** `packet:open`: the owner opens an exclusive packet paid to their receive code. */
export const packetOpenSchema = z.strictObject({ packetId: idSchema });

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
