/**
 * Hostile values for the fuzz suite: numbers at and past every edge (NaN, -0, 1e309, 2^53…),
 * strings that break naive code (lone surrogates, bidi overrides, NUL, astral characters),
 * prototype keys as own properties, deep and huge values.
 */
import fc from 'fast-check';

export type WireFormat = 'msgpack' | 'json';

export const EDGE_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  -1.5,
  Number.NaN,
  Number('1e309'), // Infinity, as a client that sends 1e309 means it
  -Number('1e309'),
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 32,
  -(2 ** 31) - 1,
  2 ** 63,
  2 ** 64,
  1e21,
  86_400_000,
  86_400_001,
];

export const PROTO_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'then',
];

export const EDGE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  '\uFEFF', // byte order mark
  '\u202E\u202Dtxet', // bidi overrides
  '\u200B\u200C\u200D', // zero-width characters
  'e\u0301\u0301\u0301', // stacked combining marks
  '👨‍👩‍👧‍👦',
  '𝕏𝔂𝔃',
  '红包雨',
  '\n',
  '\r\n',
  '\t',
  '\u0007',
  '\u2028\u2029',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  'null',
  'undefined',
  'true',
  '[object Object]',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%00%2e%2e%2f',
  "'; DROP TABLE wallets; --",
  '{{7*7}}${7*7}',
  'redis.call("FLUSHALL")',
  '*1\r\n$8\r\nFLUSHALL\r\n',
  'r'.repeat(64),
  'r'.repeat(65),
  'x'.repeat(500),
  'x'.repeat(501),
  ...PROTO_KEYS,
];

/** An object with `key` as an own property, even when `key` is `__proto__`. */
export function ownObject(entries: readonly (readonly [string, unknown])[], nullProto = false): object {
  const obj: Record<string, unknown> = nullProto ? (Object.create(null) as Record<string, unknown>) : {};
  for (const [key, value] of entries) {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return obj;
}

export const edgeNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.integer() },
  );

export const edgeString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  );

export const junkKey = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...PROTO_KEYS), edgeString(), fc.string({ maxLength: 8 }));

/** `[[[…]]]` or `{a:{a:…}}` nested `depth` levels (printed short in failure reports). */
function nest(depth: number, asObject: boolean, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  // A symbol key: never on the wire, only in fast-check's reports.
  Object.defineProperty(value, fc.toStringMethod, {
    value: () => `nested(${depth} ${asObject ? 'objects' : 'arrays'})`,
  });
  return value;
}

/** Values that are large or deep; some exceed the server's frame limit (16 KiB). */
export const bigValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc
      .tuple(fc.integer({ min: 50, max: 1_500 }), fc.boolean())
      .map(([depth, asObject]) => nest(depth, asObject, 1)),
    fc.integer({ min: 1_000, max: 24_000 }).map((n) => 'z'.repeat(n)),
    fc.integer({ min: 100, max: 3_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
    fc
      .integer({ min: 50, max: 800 })
      .map((n) => ownObject(Array.from({ length: n }, (_, i) => [`k${i}`, i] as const))),
  );

/** Any hostile value, recursively (small containers; `bigValue` for the large ones). */
export function junk(wire: WireFormat): fc.Arbitrary<unknown> {
  const leaf: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: edgeNumber() },
    { weight: 3, arbitrary: edgeString() },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, true, false) },
    // Binary and dates travel natively in msgpack (and as attachments / strings in JSON).
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }) },
    { weight: 1, arbitrary: fc.date({ noInvalidDate: true }) },
    ...(wire === 'msgpack'
      ? [{ weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }) }]
      : []),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 6, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.array(fc.tuple(junkKey(), tie('value')), { maxLength: 4 }), fc.boolean())
          .map(([entries, nullProto]) => ownObject(entries, nullProto)),
      },
    ),
  }));
  return fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: bigValue() });
}
