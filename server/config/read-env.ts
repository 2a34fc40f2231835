/**
 * Reading one environment variable through a zod schema, its default taken from ENV_VARS;
 * a bad value is a ConfigError naming the variable.
 */
import { z } from 'zod';
import { ENV_VARS, type EnvName, type Unset, type ValueDefaulted } from './env-vars.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** The variable as set; undefined when unset or empty. */
export function raw(env: Env, name: EnvName): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

function parse<T>(name: EnvName, schema: z.ZodType<T>, value: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(
      name,
      `invalid value ${JSON.stringify(value)} (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

/** The variable through `schema`; unset, its ENV_VARS default through the same schema. */
export function read<T>(env: Env, name: ValueDefaulted, schema: z.ZodType<T>): T {
  return parse(name, schema, raw(env, name) ?? ENV_VARS[name].default);
}

/** The variable through `schema`; unset, `fallback` (what ENV_VARS[name].unset describes). */
export function readOr<T>(env: Env, name: Unset, schema: z.ZodType<T>, fallback: T): T {
  const value = raw(env, name);
  return value === undefined ? fallback : parse(name, schema, value);
}

export const int = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.int().min(min).max(max));

/** "HH:MM" (24 h) → minutes after midnight. */
export const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)')
  .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));

/** An IANA time zone this runtime knows. */
export const timeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai');

export const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
