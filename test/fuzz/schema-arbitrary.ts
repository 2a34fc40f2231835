/**
 * Payloads shaped like what a schema expects, with the fields mutated: derived from each
 * zod schema's JSON Schema, so an event or body schema added later is fuzzed without a
 * change here. Each field is either plausible (a known id, a boundary number, a valid enum
 * value) or hostile (`junk`); keys go missing and unknown or prototype keys appear.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { edgeNumber, edgeString, junk, junkKey, ownObject, type WireFormat } from './junk.js';

/** The subset of JSON Schema that zod emits for this project's schemas. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  const?: unknown;
  enum?: unknown[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
}

/** Values that exercise the bounds of a numeric field: each bound, and one past it. */
function numberNear(s: JsonSchema): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000);
  const hi = Math.min(s.maximum ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const bounds = [lo, lo - 1, hi, hi + 1, Math.floor((lo + hi) / 2)].filter((n) => Number.isFinite(n));
  return fc.oneof(
    fc.constantFrom(...bounds),
    fc.integer({ min: Math.max(lo, -1e9), max: Math.min(hi, 1e9) }),
    fc.integer({ min: Math.max(lo, 1), max: Math.min(hi, 100_000) }),
  );
}

function stringNear(s: JsonSchema, knownIds: readonly string[]): fc.Arbitrary<string> {
  const max = Math.min(s.maxLength ?? 80, 600);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...knownIds) },
    { weight: 2, arbitrary: fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(max, 80) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: max + 1 }) },
    { weight: 1, arbitrary: edgeString() },
  );
}

/** A plausible value for `s` (which may still be refused: that is the point). */
function plausible(s: JsonSchema, knownIds: readonly string[], wire: WireFormat): fc.Arbitrary<unknown> {
  const branches = s.oneOf ?? s.anyOf;
  if (branches && branches.length > 0) {
    return fc.oneof(...branches.map((b) => nearValid(b, knownIds, wire)));
  }
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum && s.enum.length > 0) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object':
      return nearValid(s, knownIds, wire);
    case 'integer':
    case 'number':
      return numberNear(s);
    case 'string':
      return stringNear(s, knownIds);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(s.items ? plausible(s.items, knownIds, wire) : junk(wire), { maxLength: 4 });
    default:
      return junk(wire);
  }
}

/** A value for one field: mostly plausible, sometimes hostile. */
function field(s: JsonSchema, knownIds: readonly string[], wire: WireFormat): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: plausible(s, knownIds, wire) },
    { weight: 1, arbitrary: edgeNumber() },
    { weight: 1, arbitrary: junk(wire) },
  );
}

/**
 * An object with the schema's properties (required ones usually present, optional ones
 * sometimes), occasionally an extra unknown or prototype key.
 */
export function nearValid(
  s: JsonSchema,
  knownIds: readonly string[],
  wire: WireFormat,
): fc.Arbitrary<unknown> {
  const branches = s.oneOf ?? s.anyOf;
  if (branches && branches.length > 0) return plausible(s, knownIds, wire);
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const entries = props.map(([key, prop]) =>
    fc
      .tuple(fc.integer({ min: 0, max: 9 }), field(prop, knownIds, wire))
      .map(([dice, value]) => ((required.has(key) ? dice < 9 : dice < 5) ? [[key, value] as const] : [])),
  );
  const extra = fc.option(fc.tuple(junkKey(), junk(wire)), { freq: 8, nil: null });
  return fc
    .tuple(fc.tuple(...entries), extra)
    .map(([picked, more]) => ownObject([...picked.flat(), ...(more ? [more] : [])]));
}

/** Payloads for a schema: near-valid objects, and sometimes any hostile value at all. */
export function payloadFor(
  schema: z.ZodType,
  knownIds: readonly string[],
  wire: WireFormat,
): fc.Arbitrary<unknown> {
  const json = jsonSchemaOf(schema);
  return fc.oneof(
    { weight: 7, arbitrary: nearValid(json, knownIds, wire) },
    { weight: 3, arbitrary: junk(wire) },
  );
}
