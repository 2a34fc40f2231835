/**
 * Writes a bench run: bench/results/latest.json, a dated copy, docs/benchmarks.svg (each
 * figure against its goal, and the fan-out scale curve) and docs/benchmarks.md (machine,
 * command, goals, figures, references). Every per-event cost is printed beside the floor, a
 * bare socket.io server on uWS acking the same no-op from the same clients, as a multiple of
 * it ("85 µs (2.94 × floor)"). The prose about what limits each figure lives in
 * docs/benchmarks-notes.md and is appended as is. A figure measured while the generator was
 * saturated is printed INVALID, never as a server figure.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { capacityTables } from './capacity-model.js';
import { curveSvg } from './curve-chart.js';
import { ledgerGoals, ledgerReferenceRows } from './ledger-report.js';
import { rainGoals, rainSection } from './report-rain.js';
import {
  FLOOR_NAME,
  type BenchResults,
  type CpuShare,
  type FanoutFigures,
  type GrabFigures,
} from './results.js';

export interface Goal {
  name: string;
  measured: number;
  goal: number;
  unit: string;
  /** true: bigger is better (measured ≥ goal); false: measured ≤ goal. */
  atLeast: boolean;
  /** Set when the generator was saturated: the figure measured the generator. */
  invalid?: string;
  /** Printed in parentheses after the measured value (the floor multiple, or the operands). */
  detail?: string;
}

const saturated = (cpu: CpuShare): string | undefined =>
  cpu.generatorSaturated ? `generator saturated (${cpu.generatorPct} % CPU)` : undefined;

export const perCpu = (f: FanoutFigures): number => 1e6 / Math.max(f.serverUsPer1kMsgs, 1e-9);

export function crowdedRedis(r: BenchResults): GrabFigures | undefined {
  return r.crowded.find((c) => c.store === 'redis');
}

/**
 * `us` of server CPU as a multiple of the floor (bare socket.io acking a no-op), e.g.
 * "2.94 × floor"; undefined for results measured before the floor was.
 */
export function timesFloor(r: BenchResults, us: number): string | undefined {
  if (!r.floor) return undefined;
  return `${Number((us / r.floor.serverUsPerEvent).toPrecision(3))} × floor`;
}

const inParens = (detail: string | undefined): string => (detail ? ` (${detail})` : '');

export function goals(r: BenchResults): Goal[] {
  const crowded = crowdedRedis(r);
  const { uws, ws, reference } = r.fanout;
  const list: Goal[] = [];
  if (r.echo && r.floor) {
    list.push({
      name: 'server CPU per acked no-op ÷ bare socket.io floor',
      measured: Math.round((r.echo.serverUsPerEvent / r.floor.serverUsPerEvent) * 1000) / 1000,
      goal: 1.2,
      unit: '×',
      atLeast: false,
      detail: `${r.echo.serverUsPerEvent} µs ÷ ${r.floor.serverUsPerEvent} µs`,
    });
  }
  list.push({
    name: `server CPU per grab, ${r.grab.members}-member room`,
    measured: r.grab.serverUsPerGrab,
    goal: 50,
    unit: 'µs',
    atLeast: false,
    detail: timesFloor(r, r.grab.serverUsPerGrab),
  });
  if (crowded) {
    list.push({
      name: `server CPU per grab, ${crowded.members}-member room, ${crowded.packetsOpen} packets open (Redis)`,
      measured: crowded.serverUsPerGrab,
      goal: 100,
      unit: 'µs',
      atLeast: false,
      detail: timesFloor(r, crowded.serverUsPerGrab),
    });
  }
  list.push(
    {
      name: 'grab throughput ÷ Redis script limit',
      measured: r.redisLimit.ratio,
      goal: 0.5,
      unit: '×',
      atLeast: true,
      invalid: saturated(r.grab.cpu),
    },
    {
      name: `full allocation, ${r.fullAllocation.shares} shares, ${r.fullAllocation.clients} clients, Redis`,
      measured: r.fullAllocation.ms,
      goal: 230,
      unit: 'ms',
      atLeast: false,
      invalid: saturated(r.fullAllocation.cpu),
    },
    {
      name: `fan-out p99 at ${uws.clients} clients`,
      measured: uws.p99Ms,
      goal: 50,
      unit: 'ms',
      atLeast: false,
      invalid: saturated(uws.cpu),
    },
    {
      name: 'server CPU per delivered message ÷ raw uWS publish',
      measured: Math.round((uws.serverUsPer1kMsgs / reference.serverUsPer1kMsgs) * 1000) / 1000,
      goal: 1.5,
      unit: '×',
      atLeast: false,
    },
    {
      name: 'uWS ÷ ws delivered msgs per server CPU-second',
      measured: Math.round((perCpu(uws) / perCpu(ws)) * 1000) / 1000,
      goal: 2,
      unit: '×',
      atLeast: true,
    },
    {
      name: 'RSS per idle joined connection (uWS)',
      measured: uws.kbPerConn,
      goal: 8,
      unit: 'KB',
      atLeast: false,
    },
    ...ledgerGoals(r),
  );
  // Results written before this figure existed have none.
  if (uws.kbPerConnAfterRain !== undefined)
    list.push({
      name: 'RSS per joined connection after a rain (uWS)',
      measured: uws.kbPerConnAfterRain,
      goal: 8,
      unit: 'KB',
      atLeast: false,
    });
  list.push(...rainGoals(r, (us) => timesFloor(r, us)));
  return list;
}

export const met = (g: Goal): boolean => (g.atLeast ? g.measured >= g.goal : g.measured <= g.goal);

export function verdict(g: Goal): string {
  if (g.invalid) return `INVALID: ${g.invalid}`;
  const diff = g.atLeast ? g.measured - g.goal : g.goal - g.measured;
  return `${met(g) ? 'met, by' : 'short by'} ${Math.abs(Math.round(diff * 1000) / 1000)} ${g.unit}`;
}

/** One line per goal, for the console. */
export function goalLines(r: BenchResults): string[] {
  return goals(r).map(
    (g) =>
      `${g.name}: ${g.measured} ${g.unit}${inParens(g.detail)} (goal ${g.atLeast ? '≥' : '≤'} ${g.goal} ${g.unit}) — ${verdict(g)}`,
  );
}

function goalSvg(r: BenchResults): { svg: string; height: number } {
  const rows = goals(r);
  const rowH = 40;
  const barX = 430;
  const barW = 300;
  const bars = rows
    .map((g, i) => {
      // Score: how far toward (or past) the goal, capped at 2× for drawing; 1 = exactly the goal.
      const score = Math.min(2, g.atLeast ? g.measured / g.goal : g.goal / Math.max(g.measured, 1e-9));
      const y = 40 + i * rowH;
      const color = g.invalid ? '#999999' : met(g) ? '#2e9d5b' : '#d62f2f';
      const label = `${g.measured} ${g.unit}${inParens(g.detail)} (goal ${g.atLeast ? '≥' : '≤'} ${g.goal})${g.invalid ? ' INVALID' : ''}`;
      return `<text x="10" y="${y + 18}" font-size="12">${g.name}</text>
<rect x="${barX}" y="${y + 4}" width="${((score / 2) * barW).toFixed(1)}" height="20" fill="${color}"/>
<text x="${barX + (score / 2) * barW + 6}" y="${y + 19}" font-size="12">${label}</text>`;
    })
    .join('\n');
  const height = 50 + rows.length * rowH;
  return {
    height,
    svg: `<text x="10" y="22" font-size="15" font-weight="bold">Figures against goals (bar end at the dashed line = goal met exactly; grey = invalid)</text>
<line x1="${barX + barW / 2}" y1="34" x2="${barX + barW / 2}" y2="${40 + rows.length * rowH}" stroke="#555" stroke-dasharray="4 3"/>
${bars}`,
  };
}

function chart(r: BenchResults): string {
  const top = goalSvg(r);
  const curve = curveSvg(r.curve, top.height + 20);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="${top.height + 20 + curve.height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${top.svg}
${curve.svg}
</svg>
`;
}

const cpuCell = (c: CpuShare): string =>
  `${c.serverPct} % · ${c.redisPct} % · ${c.generatorPct} %${c.generatorSaturated ? ' (generator saturated: INVALID)' : ''}`;

function grabRow(r: BenchResults, label: string, g: GrabFigures): string {
  const refused = Object.entries(g.refused)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `| ${label} | ${g.grabs} grabs${refused ? ` (refused: ${refused})` : ''}, ${g.perSec}/s, ack p50 ${g.p50Ms} / p99 ${g.p99Ms} ms | ${g.serverUsPerGrab} µs node${inParens(timesFloor(r, g.serverUsPerGrab))} + ${g.redisUsPerGrab} µs Redis per grab | ${cpuCell(g.cpu)} |`;
}

/** One delivered message's server CPU beside the floor (an acked event's). */
function fanRow(r: BenchResults, label: string, f: FanoutFigures): string {
  const perMsg = timesFloor(r, f.serverUsPer1kMsgs / 1000);
  return `| ${label} | ${f.received}/${f.expected} msgs, ${f.deliveredPerSec}/s, lag p50 ${f.p50Ms} / p99 ${f.p99Ms} ms, ${f.kbPerConn} KB/conn${f.kbPerConnAfterRain === undefined ? '' : ` (${f.kbPerConnAfterRain} after the rain)`} | ${f.serverUsPer1kMsgs} µs per 1,000 msgs${perMsg ? ` (one msg: ${perMsg})` : ''} | ${cpuCell(f.cpu)} |`;
}

/** The acked no-op on this server and on the floor, when the run measured them. */
function echoRows(r: BenchResults): string {
  const rows: string[] = [];
  const events = (e: NonNullable<BenchResults['echo']>): string =>
    `${e.events} acks, ${e.perSec}/s, ack p50 ${e.p50Ms} ms`;
  if (r.echo) {
    rows.push(
      `| acked no-op (\`time:sync\`), ${r.echo.members} clients, this server (memory store) | ${events(r.echo)} | ${r.echo.serverUsPerEvent} µs node per event${inParens(timesFloor(r, r.echo.serverUsPerEvent))} | ${cpuCell(r.echo.cpu)} |`,
    );
  }
  if (r.floor) {
    rows.push(
      `| ${FLOOR_NAME}: the same clients and events (\`bench/reference-socketio.ts\`) | ${events(r.floor)} | ${r.floor.serverUsPerEvent} µs per event | ${cpuCell(r.floor.cpu)} |`,
    );
  }
  return rows.map((row) => `${row}\n`).join('');
}

/** The reference rows about acked events (this server's no-op and the floor). */
function echoRatios(r: BenchResults): string {
  const rows: string[] = [];
  if (r.floor) {
    rows.push(
      `| ${FLOOR_NAME}: server CPU per acked \`time:sync\`, ${r.floor.members} clients, no auth, no game | ${r.floor.serverUsPerEvent} µs (${r.floor.perSec}/s) |`,
    );
  }
  if (r.echo) {
    rows.push(
      `| this server's acked no-op (\`time:sync\`, ${r.echo.members} clients): socket.io plus the event edge (rate limit, schema, metrics) | ${r.echo.serverUsPerEvent} µs${r.floor ? `, ${timesFloor(r, r.echo.serverUsPerEvent)}` : ''} (${r.echo.perSec}/s) |`,
      `| server CPU per grab ÷ this server's acked no-op | ${Math.round((r.grab.serverUsPerGrab / r.echo.serverUsPerEvent) * 100) / 100} × |`,
    );
  }
  return rows.map((row) => `${row}\n`).join('');
}

function markdown(r: BenchResults): string {
  const notes = existsSync('docs/benchmarks-notes.md')
    ? readFileSync('docs/benchmarks-notes.md', 'utf8')
    : '';
  const m = r.machine;
  const { uws, ws, reference } = r.fanout;
  return `# Benchmarks

Generated by \`${r.command}\` on ${r.timestamp} (${r.durationSec} s). Raw figures:
\`bench/results/latest.json\`; every run also keeps a dated copy in \`bench/results/\`.

Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GiB, Node ${m.node}, Redis ${m.redis}, open-file limit ${m.fileLimit}.
${m.pinned ? `Pinned with \`taskset\`: the server under test and its Redis on core(s) ${m.serverCores}, the load generator (and redis-benchmark) on core(s) ${m.generatorCores}.` : `**Not pinned** (${m.warning ?? 'unknown'}): server, Redis and generator share every core.`}
CPU columns are % of one core: node server · its Redis · the generator. A figure whose generator
used ≥ 90 % of its cores is marked INVALID: it measured the generator, not the server.

![Figures against goals, and the fan-out scale curve](benchmarks.svg)

## Against the goals

| goal | measured | target | verdict |
|---|---|---|---|
${goals(r)
  .map(
    (g) =>
      `| ${g.name} | ${g.measured} ${g.unit}${inParens(g.detail)} | ${g.atLeast ? '≥' : '≤'} ${g.goal} ${g.unit} | ${verdict(g)} |`,
  )
  .join('\n')}

## Figures

| scenario | end to end | cost | CPU (server · Redis · generator) |
|---|---|---|---|
${echoRows(r)}${grabRow(r, `grab, ${r.grab.members}-member room, ${r.grab.packetsOpen} packets in turn (Redis)`, r.grab)}
${r.ledger ? `${grabRow(r, `the same grab with DATABASE_URL (Redis + PostgreSQL ${r.ledger.postgres}, acks after commit)`, r.ledger.grab)}\n` : ''}${r.crowded.map((c) => grabRow(r, `crowded room: ${c.members} members, ${c.packetsOpen} packets open (${c.store === 'redis' ? 'Redis' : 'memory store'})`, c)).join('\n')}
| full allocation, ${r.fullAllocation.shares} shares, ${r.fullAllocation.clients} clients (Redis) | median ${r.fullAllocation.ms} ms (runs ${r.fullAllocation.runsMs.join(', ')}; ${r.fullAllocation.retries} grabs retried after STORE_UNAVAILABLE) | | ${cpuCell(r.fullAllocation.cpu)} |
${fanRow(r, `fan-out on uWS, ${uws.clients} clients, 20 batches/s`, uws)}
${fanRow(r, `fan-out on socket.io's default ws server (TRANSPORT=node)`, ws)}
${fanRow(r, 'reference: bare uWebSockets.js publish, same frames, same clients', reference)}

## References and ratios

| ratio | value |
|---|---|
| redis-benchmark, \`${r.redisLimit.script}\` script, 50 connections | ${r.redisLimit.perSec} grabs/s |
| this server's grabs/s ÷ that limit | ${r.redisLimit.ratio} × |
${echoRatios(r)}${ledgerReferenceRows(r)}| server CPU per delivered message: this server on uWS ÷ bare uWS publish | ${Math.round((uws.serverUsPer1kMsgs / reference.serverUsPer1kMsgs) * 1000) / 1000} × |
| server CPU per delivered message: socket.io on ws ÷ this server on uWS | ${Math.round((ws.serverUsPer1kMsgs / uws.serverUsPer1kMsgs) * 1000) / 1000} × |
| delivered msgs/s (wall clock): uWS ÷ ws | ${Math.round((uws.deliveredPerSec / ws.deliveredPerSec) * 1000) / 1000} × |

## Fan-out scale curve (uWS, one node)

| clients | delivered | lag p50 | lag p99 | server CPU | server µs per 1,000 msgs | one msg vs floor | generator CPU |
|---|---|---|---|---|---|---|---|
${r.curve.map((f) => `| ${f.clients} | ${f.received}/${f.expected} | ${f.p50Ms} ms | ${f.p99Ms} ms | ${f.cpu.serverPct} % | ${f.serverUsPer1kMsgs} | ${timesFloor(r, f.serverUsPer1kMsgs / 1000) ?? '–'} | ${f.cpu.generatorPct} %${f.cpu.generatorSaturated ? ' (saturated: INVALID)' : ''} |`).join('\n')}

${rainSection(r, (us) => timesFloor(r, us))}## Audits

Every scenario ends with \`GET /v1/admin/audit\`; the run stops if one does not balance.

${r.audits.map((a) => `- ${a}`).join('\n')}

${notes}`;
}

/**
 * A full run writes latest.json and the docs; a --quick (smoke) run writes latest-quick.json
 * only, so it never replaces the committed full figures. Both keep a dated copy.
 */
export function writeReport(r: BenchResults): void {
  mkdirSync('bench/results', { recursive: true });
  const json = `${JSON.stringify(r, null, 2)}\n`;
  writeFileSync(`bench/results/${r.quick ? 'latest-quick' : 'latest'}.json`, json);
  writeFileSync(`bench/results/${r.timestamp.replace(/[:.]/g, '-')}${r.quick ? '-quick' : ''}.json`, json);
  if (r.quick) return;
  writeDocs(r);
}

/**
 * docs/benchmarks.md, docs/benchmarks.svg and docs/capacity.md (the model's tables, then the
 * prose of docs/capacity-notes.md) from one run (also `npm run bench:render`).
 */
export function writeDocs(r: BenchResults): void {
  writeFileSync('docs/benchmarks.svg', chart(r));
  writeFileSync('docs/benchmarks.md', markdown(r));
  const notes = existsSync('docs/capacity-notes.md') ? readFileSync('docs/capacity-notes.md', 'utf8') : '';
  writeFileSync(
    'docs/capacity.md',
    `# Capacity

How many nodes and Redis shards a rain needs, built from what \`npm run bench\` measures on
this machine (docs/benchmarks.md). Generated by \`bench/capacity-model.ts\`; the prose after
the tables is docs/capacity-notes.md.

${capacityTables(r)}
${notes}`,
  );
}
