/**
 * Decoders for rows read from PostgreSQL: pg hands back `unknown`-typed columns (bigint as a
 * string), so every read is checked here and a surprise is a MalformedRowError, not a NaN.
 */
import { MalformedRowError } from './ledger-errors.js';

/** A bigint column (pg returns int8 and numeric as strings) as integer fen. */
export function fen(value: unknown, what: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw new MalformedRowError(`${what}: not fen: ${String(value)}`);
  return n;
}

export function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new MalformedRowError(`${what}: not text: ${String(value)}`);
  return value;
}

export function nullableText(value: unknown, what: string): string | null {
  return value === null ? null : text(value, what);
}

/** A bigint[] column as fen. */
export function fenArray(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new MalformedRowError(`${what}: not an array`);
  return value.map((v: unknown) => fen(v, what));
}

/** A timestamptz column as epoch ms. */
export function millis(value: unknown, what: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new MalformedRowError(`${what}: not a time`);
  return value.getTime();
}

/** A jsonb column holding an object. */
export function jsonObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new MalformedRowError(`${what}: not an object`);
  return value as Record<string, unknown>;
}

/** Reads column `name` of a row pg returned. */
export function col(row: unknown, name: string): unknown {
  if (typeof row !== 'object' || row === null || !(name in row))
    throw new MalformedRowError(`missing column ${name}`);
  return (row as Record<string, unknown>)[name];
}
