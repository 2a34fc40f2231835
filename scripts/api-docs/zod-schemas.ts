/** JSON Schema of a zod schema the server validates with, as the client must send it. */
import { z } from 'zod';
import type { JsonSchema } from './ts-schemas.js';

/** @param target draft-7 for AsyncAPI's default schema format, 2020-12 for OpenAPI 3.1 */
export function inputSchema(schema: z.ZodType, target: 'draft-7' | 'draft-2020-12'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target,
    io: 'input',
    unrepresentable: 'any',
  });
  return rest;
}
