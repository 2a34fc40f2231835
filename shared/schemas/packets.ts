/** Group packets: their spec (lucky, equal, karaoke, password, timed, fenced), grabs, cancels, listening progress, nearby searches and opening an exclusive packet. */
import { z } from 'zod';
import {
  fenSchema,
  fenceSchema,
  idSchema,
  latitudeSchema,
  locationSchema,
  longitudeSchema,
} from './common.js';

export const greetingSchema = z.string().trim().max(64).optional();

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

export const karaokeStartSchema = z.strictObject({ packetId: idSchema });

/** Playback position in the song, ms. */
export const karaokeProgressSchema = z.strictObject({
  packetId: idSchema,
  positionMs: z.int().min(0).max(86_400_000),
});

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
