/**
 * JSON Schemas of the outbound protocol types (server→client payloads, ack results, HTTP
 * answers), read with the TypeScript checker from shared/protocol.ts — the same types the
 * server and the SDK compile against, so nothing is written twice. Inbound payloads come from
 * the zod schemas instead (zod-schemas.ts). Named interfaces and aliases declared in shared/
 * become components (`$ref`); everything else is inlined.
 */
import { resolve } from 'node:path';
import ts from 'typescript';

export type JsonSchema = Record<string, unknown>;

export interface TypeSchemas {
  /** The members of an exported map type (`ServerEventPayloads`…), each as a schema. */
  members(typeName: string): Map<string, JsonSchema>;
  /** Named types met so far, for `components.schemas`. */
  components(): Record<string, JsonSchema>;
}

export function readProtocolTypes(
  file = 'shared/protocol.ts',
  refPrefix = '#/components/schemas/',
): TypeSchemas {
  const path = resolve(file);
  const program = ts.createProgram([path], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
    types: [], // the protocol needs no Node types; leaving them out halves the time
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot read ${file}`);
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  const named = new Map<string, JsonSchema>();
  const nameOf = new Map<ts.Type, string>();

  const docOf = (symbol: ts.Symbol): string | undefined => {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    return text === '' ? undefined : text;
  };

  /** The name to give `type` as a component: declared in shared/, not generic. */
  const componentName = (type: ts.Type): string | undefined => {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (!symbol || (type.aliasTypeArguments?.length ?? 0) > 0) return undefined;
    if (symbol.name.startsWith('__')) return undefined;
    const decl = symbol.declarations?.[0];
    if (!decl) return undefined;
    const inShared = decl.getSourceFile().fileName.includes('/shared/');
    const isDeclaration = ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl);
    return inShared && isDeclaration ? symbol.name : undefined;
  };

  const objectSchema = (type: ts.Type): JsonSchema => {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const propType = checker.getTypeOfSymbol(prop);
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
      const schema = toSchema(propType);
      const doc = docOf(prop);
      properties[prop.name] = doc ? { ...schema, description: doc } : schema;
      if (!optional) required.push(prop.name);
    }
    const index = checker.getIndexInfosOfType(type)[0];
    if (Object.keys(properties).length === 0 && !index) return { type: 'object' };
    return {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      ...(index ? { additionalProperties: toSchema(index.type) } : {}),
    };
  };

  const unionSchema = (types: ts.Type[]): JsonSchema => {
    const parts = types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)));
    const bools = parts.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const rest = parts.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral));
    const schemas = rest.map(toSchema);
    if (bools.length === 2) schemas.push({ type: 'boolean' });
    else schemas.push(...bools.map(toSchema));
    if (schemas.length === 1 && schemas[0]) return schemas[0];
    if (schemas.every((s) => 'const' in s && typeof s.const === 'string')) {
      return { type: 'string', enum: schemas.map((s) => s.const) };
    }
    return { anyOf: schemas };
  };

  function toSchema(type: ts.Type): JsonSchema {
    const f = type.flags;
    if (f & ts.TypeFlags.StringLiteral)
      return { type: 'string', const: (type as ts.StringLiteralType).value };
    if (f & ts.TypeFlags.NumberLiteral)
      return { type: 'number', const: (type as ts.NumberLiteralType).value };
    if (f & ts.TypeFlags.BooleanLiteral)
      return { type: 'boolean', const: checker.typeToString(type) === 'true' };
    if (f & ts.TypeFlags.String) return { type: 'string' };
    if (f & ts.TypeFlags.Number) return { type: 'number' };
    if (f & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (f & ts.TypeFlags.Null) return { type: 'null' };
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (f & ts.TypeFlags.Never) return { not: {} };
    if (type.isUnion()) return unionSchema(type.types);
    if (checker.isArrayType(type)) {
      const [item] = checker.getTypeArguments(type as ts.TypeReference);
      return { type: 'array', items: item ? toSchema(item) : {} };
    }
    if (f & ts.TypeFlags.NonPrimitive) return { type: 'object' };
    if (f & ts.TypeFlags.Object || type.isIntersection()) {
      const name = componentName(type);
      if (!name) return objectSchema(type);
      const known = nameOf.get(type);
      if (known) return { $ref: refPrefix + known };
      let unique = name;
      for (let i = 2; named.has(unique); i += 1) unique = `${name}${i}`;
      nameOf.set(type, unique);
      named.set(unique, {}); // placeholder: recursion meets the $ref
      const symbol = type.aliasSymbol ?? type.getSymbol();
      const doc = symbol && docOf(symbol);
      const schema = objectSchema(type);
      named.set(unique, doc ? { ...schema, description: doc } : schema);
      return { $ref: refPrefix + unique };
    }
    throw new Error(`no JSON Schema for the type ${checker.typeToString(type)}`);
  }

  return {
    members(typeName) {
      const symbol = exported.get(typeName);
      if (!symbol) throw new Error(`${file} exports no type ${typeName}`);
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const out = new Map<string, JsonSchema>();
      for (const prop of checker.getPropertiesOfType(type)) {
        const schema = toSchema(checker.getTypeOfSymbol(prop));
        const doc = docOf(prop);
        out.set(prop.name, doc ? { ...schema, description: doc } : schema);
      }
      return out;
    },
    components: () => Object.fromEntries([...named].sort(([a], [b]) => a.localeCompare(b))),
  };
}
