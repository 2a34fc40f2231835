/**
 * The fuzz property, for one wire format: thousands of generated payloads over every socket
 * event (the schema map in shared/schemas.ts) and every HTTP route (the node's route table),
 * each answered with an ack or error body whose code is in the closed set — never INTERNAL,
 * never a success for a payload its schema refuses — or, for a frame over the size limit, the
 * connection closed. After every batch the audit and every balance are exactly as before and
 * the process still serves.
 *
 * Money cannot move by accident: the fuzzing users hold no money, the packets they can name
 * are finished or locked behind a 15-minute song, the rain they can name starts tomorrow, and
 * the admin identity only ever sends payloads that its schema refuses (for HTTP: bodies with
 * an unknown key, which every strict body schema refuses, and ids that name nothing).
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import { Decoder, Encoder } from '@red-packet/sdk/msgpack-parser';
import { Decoder as JsonDecoder, Encoder as JsonEncoder, PacketType } from 'socket.io-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ERROR_CODES, HTTP_STATUS, type ErrorCode } from '@red-packet/sdk/codes';
import type { AuditReport } from '@red-packet/sdk/protocol';
import * as schemas from '@red-packet/sdk/schemas';
import { eventSchemas } from '@red-packet/sdk/schemas';
import type { RedPacketClient } from '@red-packet/sdk';
import type { Route } from '../../server/transport/http-router.js';
import type { BackendFactory, Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { edgeString, ownObject, type WireFormat } from './junk.js';
import { payloadFor } from './schema-arbitrary.js';

export interface FuzzPlan {
  /** Socket payloads: batches × batch size. */
  socketBatches: number;
  socketBatchSize: number;
  /** HTTP requests: batches × batch size. */
  httpBatches: number;
  httpBatchSize: number;
}

const ROOM = 'fz-room';
const MAX_PAYLOAD = 16 * 1024;
/** Frames this close to the limit may go either way; past it they must close the socket. */
const FRAME_SLACK = 512;
const UNKNOWN_KEY = '\u0000fuzz';

type Event = keyof typeof eventSchemas;
interface SocketCase {
  event: Event;
  payload: unknown;
}
interface HttpCase {
  route: Route;
  method: string;
  segments: string[];
  auth: 'none' | 'garbage' | 'user' | 'host' | 'admin';
  garbage: string;
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };
}

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/**
 * What the server decodes from `payload` on this wire, through the client's own encoder, so
 * the schema oracle judges what the server really receives.
 */
function overTheWire(wire: WireFormat, payload: unknown): unknown {
  if (wire === 'msgpack') return (unpackr.unpack(packr.pack([payload])) as unknown[])[0];
  const decoder = new JsonDecoder();
  let decoded: unknown[] = [];
  decoder.on('decoded', (packet: { data?: unknown }) => {
    decoded = packet.data as unknown[];
  });
  for (const part of new JsonEncoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['e', payload] }) as (
    string | Uint8Array
  )[])
    decoder.add(part);
  return decoded[1];
}

/**
 * Whether the server's msgpack decoder refuses the frame that carries `payload` (it closes
 * the connection then): the very Decoder the server runs, on the frame the SDK sends.
 */
function decoderRefuses(event: string, payload: unknown): boolean {
  try {
    const [frame] = new Encoder().encode({ type: 2, nsp: '/', data: [event, payload], id: 1 });
    new Decoder().add(frame);
    return false;
  } catch {
    return true;
  }
}

const jsonEncoder = new JsonEncoder();

/**
 * The size of the frame the client would send, or null when the client cannot encode the
 * payload at all (then nothing reaches the server). socket.io-client's JSON encoder, for one,
 * throws on binary data beside an own `__proto__` key holding a Date.
 */
function frameBytes(wire: WireFormat, event: string, payload: unknown): number | null {
  try {
    if (wire === 'msgpack') return packr.pack({ type: 2, nsp: '/', data: [event, payload], id: 1e6 }).length;
    const parts = jsonEncoder.encode({
      type: PacketType.EVENT,
      nsp: '/',
      data: [event, payload],
      id: 1e6,
    }) as (string | Uint8Array)[];
    return parts.reduce(
      (sum: number, p) => sum + (typeof p === 'string' ? Buffer.byteLength(p) : p.byteLength),
      0,
    );
  } catch {
    return null;
  }
}

function schemaAccepts(schema: z.ZodType, wire: WireFormat, payload: unknown): boolean {
  try {
    return schema.safeParse(overTheWire(wire, payload)).success;
  } catch {
    return false; // too deep to even encode here: no schema accepts such a value
  }
}

/** Every zod schema exported by shared/schemas.ts: the bodies a route might parse. */
function bodySchemas(): z.ZodType[] {
  const exported: unknown[] = Object.values(schemas);
  return exported.filter(
    (v): v is z.ZodType =>
      typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function',
  );
}

/** A path segment as a URL carries it (lone surrogates, which cannot be encoded, as raw bytes). */
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

/** A failure report that stays readable (and finite) for deep and huge inputs. */
function describeProblem(p: Problem): string {
  const show = (v: unknown): string =>
    inspect(v, {
      depth: Number(process.env.FUZZ_DEPTH ?? 4),
      maxArrayLength: 10,
      maxStringLength: 120,
      breakLength: Infinity,
    });
  return `${p.what}\n  input: ${show(p.input)}\n  got: ${show(p.got)}`;
}

/**
 * Runs a property. fast-check's own report prints the whole counterexample, which for huge
 * and deep values is megabytes: this reports the seed (to replay) and the problems instead.
 */
async function checkProperty<T>(property: fc.IAsyncProperty<[T]>, numRuns: number): Promise<void> {
  const out = await fc.check(property, {
    numRuns,
    endOnFailure: true,
    // Replay a reported failure: FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz
    ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {}),
  });
  if (!out.failed) return;
  const cause =
    out.errorInstance instanceof Error
      ? (out.errorInstance.stack ?? out.errorInstance.message)
      : String(out.errorInstance);
  throw new Error(
    `fuzz property failed (replay with FUZZ_SEED=${out.seed} FUZZ_PATH=${String(out.counterexamplePath)}):\n${cause.slice(0, 4000)}`,
  );
}

function failOn(problems: Problem[]): void {
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} problem(s):\n${problems.slice(0, 5).map(describeProblem).join('\n')}`,
    );
  }
}

interface Problem {
  what: string;
  input: unknown;
  got: unknown;
}

function checkAck(ack: unknown, accepted: boolean): string | null {
  if (typeof ack !== 'object' || ack === null) return 'ack is not an object';
  const a = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.ok === true) return accepted ? null : 'succeeded although its schema refuses the payload';
  if (a.ok !== false || typeof a.error !== 'object') return 'ack is neither ok nor an error';
  const code = a.error.code;
  if (!(ERROR_CODES as readonly unknown[]).includes(code))
    return `code ${String(code)} is not in the closed set`;
  if (code === 'INTERNAL') return 'INTERNAL: the server failed on this input';
  if (typeof a.error.message !== 'string' || a.error.message.length === 0) return 'empty error message';
  return null;
}

export function describeFuzz(wire: WireFormat, makeBackend: BackendFactory, plan: FuzzPlan): void {
  describe(`fuzz over ${wire}`, () => {
    let backend: Backend;
    let server: TestServer;
    let fuzzers: { client: RedPacketClient; admin: boolean }[] = [];
    let knownIds: string[] = [];
    let knownUsers: string[] = [];
    let baseline: { audit: AuditReport; balances: number[] };
    const tokens: Record<string, string> = {};
    const disconnects: string[] = [];
    const counts = {
      socket: new Map<string, number>(),
      http: new Map<string, number>(),
      oversized: 0,
      notPlain: 0,
      unencodable: 0,
    };

    const snapshot = async (): Promise<{ audit: AuditReport; balances: number[] }> => ({
      audit: await server.app.store.audit.report(),
      balances: await Promise.all(knownUsers.map((u) => server.app.store.wallets.getBalance(u))),
    });

    beforeAll(async () => {
      backend = await makeBackend();
      server = await startTestServer({ ...backend.env, WIRE_FORMAT: wire });
      // Bystanders with money: a finished packet, a locked karaoke packet, tomorrow's rain.
      await server.mint('fz-host', 100_000);
      const host = await server.client('fz-host', 'host');
      const [a, b] = await Promise.all([server.client('fz-a'), server.client('fz-b')]);
      for (const c of [host, a, b]) await c.join(ROOM);
      const spent = await host.sendPacket({ roomId: ROOM, kind: 'equal', amount: 10, count: 2 });
      await Promise.all([a, b].map((c) => c.grab(spent.packet.id)));
      const song = { id: 'long-song', title: 'A very long song', durationMs: 900_000 };
      const locked = await host.sendPacket({
        roomId: ROOM,
        kind: 'lucky',
        total: 500,
        count: 5,
        unlock: { type: 'listen', song },
      });
      const { rain } = await host.scheduleRain({
        roomId: ROOM,
        total: 1_000,
        drops: 10,
        durationMs: 10_000,
        startInMs: 86_400_000,
      });
      knownIds = [ROOM, spent.packet.id, locked.packet.id, rain.id, 'd_nothing', 'fz-host', 'fz-a', 'fz-u0'];
      // The fuzzers: two users and a host without money, and an admin that sends only refusals.
      const roles = [
        ['fz-u0', 'user'],
        ['fz-u1', 'user'],
        ['fz-h0', 'host'],
        ['fz-admin', 'admin'],
      ] as const;
      fuzzers = await Promise.all(
        roles.map(async ([userId, role]) => {
          const client = await server.client(userId, role, { reconnectDelayMs: 60_000, ackTimeoutMs: 5_000 });
          client.socket.on('disconnect', (reason) => disconnects.push(`${userId}: ${reason}`));
          await client.join(ROOM);
          return { client, admin: role === 'admin' };
        }),
      );
      tokens.user = await server.token('fz-user-http', 'user');
      tokens.host = await server.token('fz-h0', 'host');
      tokens.admin = await server.token('fz-admin', 'admin');
      knownUsers = ['fz-host', 'fz-a', 'fz-b', ...roles.map(([u]) => u), 'fz-user-http'];
      baseline = await snapshot();
      expect(baseline.audit.balanced).toBe(true);
    }, 60_000);

    afterAll(async () => {
      await server.close();
      await backend.destroy();
    });

    /** Sends one frame that may exceed the limit on a connection of its own. */
    const sendOversized = async (c: SocketCase): Promise<string | null> => {
      counts.oversized += 1;
      const client = await server.client('fz-big', 'user', {
        reconnectDelayMs: 60_000,
        ackTimeoutMs: 10_000,
      });
      try {
        const closed = new Promise<'closed'>((resolve) =>
          client.socket.once('disconnect', () => resolve('closed')),
        );
        const outcome = await Promise.race([client.emitRaw(c.event, c.payload), closed]);
        const bytes = frameBytes(wire, c.event, c.payload) ?? 0;
        if (outcome === 'closed') return null;
        if (bytes > MAX_PAYLOAD + FRAME_SLACK) return `a ${bytes}-byte frame was answered instead of refused`;
        return checkAck(outcome, schemaAccepts(eventSchemas[c.event], wire, c.payload));
      } finally {
        client.close();
      }
    };

    /**
     * Sends one frame whose payload is not plain data (msgpack's extension types: Date,
     * BigInt…) on a connection of its own: the server's decoder refuses it by closing that
     * connection, never by answering it.
     */
    /** Frames that are not plain data sent per run, each on a connection of its own. */
    const NOT_PLAIN_SENT = 200;

    const sendNotPlain = async (c: SocketCase): Promise<string | null> => {
      counts.notPlain += 1;
      const client = await server.client('fz-ext', 'user', {
        reconnectDelayMs: 60_000,
        ackTimeoutMs: 10_000,
      });
      try {
        const closed = new Promise<'closed'>((resolve) =>
          client.socket.once('disconnect', () => resolve('closed')),
        );
        // No ack at all is what a closed connection gives too (socket.io fails the pending
        // ack when the connection drops): then the connection must be gone.
        const noAck = Symbol('no ack');
        // socket.io-client keeps an emit in its send buffer, unsent until the next reconnect,
        // when it believes the engine's ping timed out (a stalled test process): such a frame
        // never reached the server, so it is sent again (at most twice more).
        const buffered = (): unknown[] => (client.socket as unknown as { sendBuffer: unknown[] }).sendBuffer;
        const sentAt = Date.now();
        let why: unknown;
        let outcome: unknown;
        for (let attempt = 0; ; attempt++) {
          outcome = await Promise.race([
            client.emitRaw(c.event, c.payload).catch((err: unknown) => {
              why = err;
              return noAck;
            }),
            closed,
          ]);
          if (outcome !== noAck || buffered().length === 0 || attempt >= 2) break;
          buffered().length = 0;
        }
        if (outcome === 'closed') return null;
        if (outcome === noAck) {
          // A loaded test process can be slow to see the close: give it as long again.
          const late = await Promise.race([
            closed,
            new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 10_000).unref()),
          ]);
          if (late === 'closed' || !client.connected) return null;
          // Still open by the client's account: the server must not be serving it. A connection
          // that answers a no-op after a non-plain frame was kept, which is the failure.
          const alive = await client.emitRaw('time:sync', {}).then(
            () => true,
            () => false,
          );
          return alive
            ? `a frame carrying non-plain data was neither answered nor refused (no ack after ${Date.now() - sentAt} ms: ${String(why)}; ${buffered().length} frame(s) still in the client's send buffer; the connection still answers)`
            : null;
        }
        return 'a frame carrying non-plain data was answered instead of refused';
      } finally {
        client.close();
      }
    };

    const runSocketBatch = async (cases: SocketCase[]): Promise<Problem[]> => {
      const problems: Problem[] = [];
      await Promise.all(
        cases.map(async (c, i) => {
          counts.socket.set(c.event, (counts.socket.get(c.event) ?? 0) + 1);
          const accepted = schemaAccepts(eventSchemas[c.event], wire, c.payload);
          const bytes = frameBytes(wire, c.event, c.payload);
          if (bytes === null) {
            counts.unencodable += 1;
            return;
          }
          if (bytes > MAX_PAYLOAD - FRAME_SLACK) {
            const problem = await sendOversized(c);
            if (problem) problems.push({ what: problem, input: c, got: null });
            return;
          }
          if (wire === 'msgpack' && decoderRefuses(c.event, c.payload)) {
            // Each such frame costs a connection of its own: a sample of them is sent.
            if (counts.notPlain >= NOT_PLAIN_SENT) return;
            const problem = await sendNotPlain(c);
            if (problem) problems.push({ what: problem, input: c, got: null });
            return;
          }
          // The admin sends only what its schema refuses; the others send anything.
          const pool = accepted ? fuzzers.filter((f) => !f.admin) : fuzzers;
          const fuzzer = pool[i % pool.length]!;
          let ack: unknown;
          try {
            ack = await fuzzer.client.emitRaw(c.event, c.payload);
          } catch (err) {
            const state = fuzzer.client.connected ? 'still connected' : 'disconnected';
            problems.push({ what: `no ack (${state}): ${String(err)}`, input: c, got: null });
            return;
          }
          const problem = checkAck(ack, accepted);
          if (problem) problems.push({ what: problem, input: c, got: ack });
        }),
      );
      return problems;
    };

    const expectUnchanged = async (): Promise<void> => {
      expect(await snapshot()).toEqual(baseline);
      expect(disconnects).toEqual([]);
    };

    it(`answers ${plan.socketBatches * plan.socketBatchSize} generated socket payloads with closed-set codes and changes nothing`, async () => {
      const events = Object.keys(eventSchemas) as Event[];
      const oneCase = fc.oneof(
        ...events.map((event) =>
          payloadFor(eventSchemas[event], knownIds, wire).map((payload): SocketCase => ({ event, payload })),
        ),
      );
      await checkProperty(
        fc.asyncProperty(
          fc.array(oneCase, { minLength: plan.socketBatchSize, maxLength: plan.socketBatchSize }),
          async (cases) => {
            const problems = await runSocketBatch(cases);
            failOn(problems);
            await expectUnchanged();
          },
        ),
        plan.socketBatches,
      );
      for (const event of events) expect(counts.socket.get(event) ?? 0).toBeGreaterThan(0);
    }, 120_000);

    it(`answers ${plan.httpBatches * plan.httpBatchSize} generated HTTP requests over every route with closed-set codes and changes nothing`, async () => {
      const routes = server.app.routes;
      const bodies = bodySchemas();
      const segment = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...knownIds) },
        { weight: 3, arbitrary: edgeString().map(encodeSegment) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2F', '%2e%2e', 'a'.repeat(3000)),
        },
      );
      const body = fc.oneof(
        { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
        {
          weight: 5,
          arbitrary: fc
            .oneof(...bodies.map((s) => payloadFor(s, knownIds, 'json')))
            .map((value) => ({ kind: 'json' as const, value })),
        },
        {
          weight: 1,
          arbitrary: fc
            .oneof(
              fc.string({ unit: 'binary', maxLength: 200 }),
              fc.constantFrom(
                '{',
                '[1,2',
                '{"a":}',
                'null',
                '\u0000',
                '{"__proto__":{"x":1}}',
                'x'.repeat(70_000),
              ),
            )
            .map((text) => ({ kind: 'raw' as const, text })),
        },
      );
      const oneCase = fc
        .record({
          route: fc.constantFrom(...routes),
          otherMethod: fc.option(fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'), { freq: 8 }),
          segments: fc.array(segment, { minLength: 4, maxLength: 4 }),
          auth: fc.constantFrom('none', 'garbage', 'user', 'host', 'admin'),
          garbage: fc.oneof(
            edgeString(),
            fc.constantFrom(
              'Bearer',
              'Bearer ',
              'Basic dXNlcjpwYXNz',
              'Bearer a.b.c',
              'Bearer eyJhbGciOiJub25lIn0.e30.',
            ),
          ),
          body,
        })
        .map(({ route, otherMethod, ...rest }): HttpCase => ({
          route,
          method: otherMethod ?? route.method,
          ...rest,
        }));

      const pathOf = (c: HttpCase): string => {
        let i = 0;
        return c.route.path.replace(/:[a-zA-Z]+/g, () => c.segments[i++] ?? 'x');
      };
      const run = async (c: HttpCase): Promise<string | null> => {
        counts.http.set(
          `${c.route.method} ${c.route.path}`,
          (counts.http.get(`${c.route.method} ${c.route.path}`) ?? 0) + 1,
        );
        let { auth, body: b } = c;
        if (auth === 'admin' && c.method !== 'GET') {
          // Admin changes must be refusals: ids that name nothing, bodies with an unknown key.
          if (c.segments.some((s) => knownIds.includes(s))) auth = 'host';
          else if (
            b.kind === 'json' &&
            typeof b.value === 'object' &&
            b.value !== null &&
            !Array.isArray(b.value)
          ) {
            b = { kind: 'json', value: ownObject([...Object.entries(b.value), [UNKNOWN_KEY, 1]]) };
          } else if (b.kind === 'none') b = { kind: 'json', value: ownObject([[UNKNOWN_KEY, 1]]) };
        }
        const headers: Record<string, string> = {};
        const authorization =
          auth === 'none' ? undefined : auth === 'garbage' ? c.garbage : `Bearer ${tokens[auth]!}`;
        if (authorization !== undefined) {
          // Header values must be ByteStrings: keep what fetch accepts.
          if (/^[\x20-\x7e]*$/.test(authorization)) headers.authorization = authorization;
        }
        const text = b.kind === 'none' ? undefined : b.kind === 'raw' ? b.text : JSON.stringify(b.value);
        const withBody = text !== undefined && c.method !== 'GET';
        const res = await fetch(`${server.url}${pathOf(c)}`, {
          method: c.method,
          headers: withBody ? { ...headers, 'content-type': 'application/json' } : headers,
          ...(withBody ? { body: text } : {}),
        });
        const raw = await res.text();
        if (res.status < 400) return null;
        let parsed: { error?: { code?: unknown; message?: unknown } };
        try {
          parsed = JSON.parse(raw) as typeof parsed;
        } catch {
          return `status ${res.status} without a JSON error body: ${raw.slice(0, 80)}`;
        }
        const problem = checkAck({ ok: false, error: parsed.error }, false);
        if (problem) return `${problem} (status ${res.status})`;
        const code = parsed.error!.code as ErrorCode;
        if (res.status !== HTTP_STATUS[code] && res.status !== 405 && res.status !== 413)
          return `status ${res.status} does not match code ${code}`;
        return null;
      };

      await checkProperty(
        fc.asyncProperty(
          fc.array(oneCase, { minLength: plan.httpBatchSize, maxLength: plan.httpBatchSize }),
          async (cases) => {
            const problems = (
              await Promise.all(cases.map(async (c) => ({ c, problem: await run(c) })))
            ).flatMap(({ c, problem }) =>
              problem ? [{ what: problem, input: { ...c, path: pathOf(c) }, got: null }] : [],
            );
            failOn(problems);
            await expectUnchanged();
          },
        ),
        plan.httpBatches,
      );
      for (const route of routes)
        expect(counts.http.get(`${route.method} ${route.path}`) ?? 0).toBeGreaterThan(0);
    }, 120_000);

    it('still serves afterwards: health, a fresh connection, the balanced audit', async () => {
      expect((await server.http('GET', '/healthz')).status).toBe(200);
      const fresh = await server.client('fz-after');
      expect((await fresh.join(ROOM)).roomId).toBe(ROOM);
      await server.expectBalanced();
      expect(await snapshot()).toEqual(baseline);
      console.log(
        `fuzz over ${wire}: ${[...counts.socket.values()].reduce((s, n) => s + n, 0)} socket payloads ` +
          `(${counts.oversized} oversized, ${counts.notPlain} not plain data, ${counts.unencodable} the client cannot encode) over ${counts.socket.size} events, ` +
          `${[...counts.http.values()].reduce((s, n) => s + n, 0)} HTTP requests over ${counts.http.size} routes`,
      );
    });
  });
}
