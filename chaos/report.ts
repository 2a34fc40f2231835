/** Writes docs/reliability.md's measured section from a full chaos run. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { FaultResult } from './faults.js';
import type { SlowResult } from './slow-consumer.js';
import type { StormResult } from './storm.js';

const BEGIN = '<!-- chaos:begin (written by npm run chaos) -->';
const END = '<!-- chaos:end -->';
const s = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '—');

export function writeReliabilityDoc(results: {
  at: string;
  faults: FaultResult[];
  storm?: StormResult;
  slow?: SlowResult;
  seconds: number;
}): void {
  const rows = results.faults.map(
    (f) =>
      `| ${f.durability} | ${f.fault} | ${f.acked} | ${f.lost} | ${f.doublePaid} | ${f.balanced ? 'balanced' : 'UNBALANCED'} | ${s(f.firstGrabMs)} | ${s(f.clientsBackMs)} | ${f.nodeCrashes.length} |`,
  );
  const { storm, slow } = results;
  const lines = [
    `Run of ${results.at.slice(0, 16).replace('T', ' ')} UTC (${results.seconds} s, \`npm run chaos\`, this machine: 2 cores shared with other work):`,
    '',
    '| durability | fault | grabs acked | acked grabs lost | paid twice | audit | first grab after (s) | all clients back (s) | node crashes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    storm
      ? `Reconnect storm: ${storm.rejoined} of ${storm.clients} clients back in their room with a fresh snapshot ${s(storm.allBackMs)} s after their node was killed (p50 ${s(storm.p50Ms)} s, p95 ${s(storm.p95Ms)} s); ${storm.withRain} re-join snapshots showed the running rain and ${storm.dropsAfter} clients received drops afterwards; the dead node's members were reaped by ${s(storm.reapedMs)} s, and the room counted exactly its ${storm.membersAfter} members by ${s(storm.presenceMs)} s.`
      : '',
    '',
    slow
      ? `Slow consumer: a client that stopped reading was dropped ${s(slow.droppedAfterMs)} s after it froze (${slow.lines} chat lines of ~1.5 KB to ${slow.readers} readers); the readers' delivery lag meanwhile was p50 ${slow.lagP50Ms} ms, p99 ${slow.lagP99Ms} ms; the node's resident memory went from ${slow.rssBeforeMb} MB to a peak of ${slow.rssPeakMb} MB.`
      : '',
  ];
  replaceSection(BEGIN, END, lines);
}

/** Writes `lines` between the markers `begin` and `end` of docs/reliability.md (appended if absent). */
export function replaceSection(begin: string, end: string, lines: string[]): void {
  const section = [begin, ...lines, end].join('\n');
  const path = 'docs/reliability.md';
  const doc = readFileSync(path, 'utf8');
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  writeFileSync(
    path,
    i >= 0 && j > i ? doc.slice(0, i) + section + doc.slice(j + end.length) : `${doc}\n${section}\n`,
  );
}
