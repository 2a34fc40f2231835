/** Identifiers, money, roles, names and places: the pieces every other schema is made of. */
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
