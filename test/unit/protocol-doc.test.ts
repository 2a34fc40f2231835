/**
 * docs/protocol.md against the generated AsyncAPI document (docs/api/asyncapi.json, made from
 * the zod schemas and shared/protocol.ts by `npm run docs:api`): both event tables list
 * exactly the events the document has, and the fields protocol.md shows for each payload and
 * ack are the schema's property names. A named type in a table (`PacketView`) is read from
 * protocol.md's Views block, whose entries are checked against the schemas of the same name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  items?: Schema;
};
interface AsyncApi {
  operations: Record<string, { action: 'send' | 'receive'; messages: { $ref: string }[] }>;
  components: {
    schemas: Record<string, Schema>;
    messages: Record<string, { name: string; payload: Schema }>;
  };
}

const doc = JSON.parse(readFileSync('docs/api/asyncapi.json', 'utf8')) as AsyncApi;
const protocol = readFileSync('docs/protocol.md', 'utf8');

/** Property names of a schema: through $ref, and the union over allOf / oneOf / anyOf. */
function propertiesOf(schema: Schema): Set<string> {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`no schema ${schema.$ref}`);
    return propertiesOf(target);
  }
  const names = new Set(Object.keys(schema.properties ?? {}));
  for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
    for (const n of propertiesOf(part)) names.add(n);
  return names;
}

/** A message of the document by its event name: the client's (`receive`) or the server's (`send`). */
function message(event: string, action: 'send' | 'receive', ack = false): Schema {
  const key = `${action === 'receive' ? '' : 'server.'}${event.replace(/:/g, '.')}${ack ? '.ack' : ''}`;
  const m = doc.components.messages[key];
  if (!m) throw new Error(`no message ${key}`);
  return m.payload;
}

/** The success ack's fields: the first branch, `{ ok: true, …result }`, without `ok`. */
function ackFields(event: string): Set<string> {
  const success = message(event, 'receive', true).oneOf?.[0];
  if (!success) throw new Error(`${event}: the ack is not { ok: true } | { ok: false }`);
  const names = propertiesOf(success);
  names.delete('ok');
  return names;
}

const events = (action: 'send' | 'receive'): string[] =>
  Object.values(doc.operations)
    .filter((op) => op.action === action)
    .map((op) => {
      const id = op.messages[0]?.$ref.split('/').pop() ?? '';
      return doc.components.messages[id]?.name ?? id;
    });

// ---- protocol.md ----

/** The text of a `## heading` section, up to the next `## `. */
function section(heading: string): string {
  const start = protocol.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`protocol.md has no "## ${heading}"`);
  const end = protocol.indexOf('\n## ', start + 1);
  return protocol.slice(start, end < 0 ? undefined : end);
}

/** The first table of a section: a map from its first cell's code span to the row's cells. */
function table(heading: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const lines = section(heading).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    rows.set(/^`([^`]+)`$/.exec(cells[0] ?? '')?.[1] ?? '', cells);
  }
  return rows;
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

/**
 * The field names of a type as protocol.md writes it: `{ a, b?, c: T, d? | e? }`, unions of
 * such objects, `Name` (a view) or `Name & { … }`. Only the outer object's fields are taken.
 */
function fieldsOf(type: string, views: Map<string, Set<string>>): Set<string> {
  const text = type.replace(/\/\*.*?\*\//gs, '').replace(/'[^']*'/g, "''");
  const names = new Set<string>();
  let depth = 0;
  let segment = '';
  const endSegment = (): void => {
    // The first name, and any after a `|` that is followed by `?` or `:` (`a? | b?`).
    const [head, ...alternatives] = segment.split('|');
    const first = /^\s*(?:\.\.\.)?([A-Za-z_]\w*)/.exec(head ?? '')?.[1];
    if (first) names.add(first);
    for (const alt of alternatives) {
      const m = /^\s*([A-Za-z_]\w*)\s*[?:]/.exec(alt);
      if (m?.[1]) names.add(m[1]);
    }
    segment = '';
  };
  let outside = '';
  for (const ch of text) {
    if ('{([<'.includes(ch)) depth++;
    if ('})]>'.includes(ch)) depth--;
    if (depth === 1 && ch === ',') endSegment();
    else if (depth === 0 && ch === '}') endSegment();
    else if (depth >= 1 && !(depth === 1 && ch === '{')) segment += ch;
    else if (depth === 0) outside += ch;
  }
  // Named views outside any braces (`PacketView`, `PacketView & { … }`).
  for (const m of outside.matchAll(/\b([A-Z]\w*)\b/g)) {
    const view = views.get(m[1] ?? '');
    if (!view) throw new Error(`protocol.md names the type ${m[1]} but its Views block lacks it`);
    for (const n of view) names.add(n);
  }
  return names;
}

/** The `## Views` block: `Name { … }` entries, each starting at the line's start. */
function viewTypes(): Map<string, string> {
  const block = /```ts\n([\s\S]*?)```/.exec(section('Views'))?.[1] ?? '';
  const types = new Map<string, string>();
  let name = '';
  for (const line of block.split('\n')) {
    const m = /^([A-Z]\w*)\s+(.*)$/.exec(line);
    if (m?.[1]) {
      name = m[1];
      types.set(name, m[2] ?? '');
    } else if (name) types.set(name, `${types.get(name) ?? ''}\n${line}`);
  }
  return types;
}

const viewTexts = viewTypes();
const views = new Map<string, Set<string>>();
for (const [name, text] of viewTexts) views.set(name, fieldsOf(text, views));

/** The fields a table cell shows: every object or named type in its code spans. */
function cellFields(cell: string): Set<string> {
  const names = new Set<string>();
  for (const span of codeSpans(cell)) {
    if (!/^\s*[{A-Z]/.test(span)) continue; // a code or value mentioned in the prose
    for (const n of fieldsOf(span, views)) names.add(n);
  }
  return names;
}

const sorted = (names: Set<string>): string[] => [...names].sort();

describe('docs/protocol.md matches docs/api/asyncapi.json', () => {
  const clientTable = table('Client → server');
  const serverTable = table('Server → client');

  it('lists every client → server event the document has, and no other', () => {
    expect([...clientTable.keys()].sort()).toEqual(events('receive').sort());
  });

  it('lists every server → client event the document has, and no other', () => {
    expect([...serverTable.keys()].sort()).toEqual(events('send').sort());
  });

  it.each(events('receive'))('%s: payload and ack fields are the schema properties', (event) => {
    const [, payload = '', ack = ''] = clientTable.get(event) ?? [];
    expect(sorted(cellFields(payload)), `${event} payload`).toEqual(
      sorted(propertiesOf(message(event, 'receive'))),
    );
    expect(sorted(cellFields(ack)), `${event} ack`).toEqual(sorted(ackFields(event)));
  });

  it.each(events('send'))('%s: payload fields are the schema properties', (event) => {
    const [, payload = ''] = serverTable.get(event) ?? [];
    expect(sorted(cellFields(payload)), event).toEqual(sorted(propertiesOf(message(event, 'send'))));
  });

  it('every view that has a schema of its name shows that schema’s fields', () => {
    const shared = [...views.keys()].filter((name) => doc.components.schemas[name]);
    expect(shared.length).toBeGreaterThan(5);
    for (const name of shared) {
      const schema = doc.components.schemas[name] ?? {};
      expect(sorted(views.get(name) ?? new Set()), name).toEqual(sorted(propertiesOf(schema)));
    }
  });
});
