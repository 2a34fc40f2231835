/**
 * Slow consumer figures: readers and one frozen client in a busy room on one node. Measures
 * the readers' delivery lag (receipt − server time of the line) while the frozen client's
 * queue grows and after it is dropped, how long the drop took, and the node's memory.
 */
import { stopReading } from '../test/helpers/stop-reading.js';
import type { Cluster } from './cluster.js';
import { client } from './driver.js';

export interface SlowResult {
  readers: number;
  lines: number;
  /** From freezing the client until the node dropped it, ms (NaN: not dropped). */
  droppedAfterMs: number;
  lagP50Ms: number;
  lagP99Ms: number;
  rssBeforeMb: number;
  rssPeakMb: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
};

async function rssMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^process_resident_memory_bytes\S* (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text);
  return m ? Math.round(Number(m[1]) / 1_048_576) : NaN;
}

export async function slowConsumer(
  cluster: Cluster,
  readerCount: number,
  maxLines: number,
): Promise<SlowResult> {
  const node = cluster.node(1);
  const room = `slow-${Date.now()}`;
  const talker = await client(cluster.node(2).url, 'slow-talker');
  const readers = await Promise.all(
    Array.from({ length: readerCount }, (_, i) => client(node.url, `slow-r${i}`)),
  );
  const sloth = await client(node.url, 'sloth');
  try {
    for (const c of [talker, ...readers, sloth]) await c.join(room);
    const lags: number[] = [];
    for (const r of readers) r.on('chat:message', (m) => lags.push(Date.now() - m.at));
    const rssBefore = await rssMb(node.url);
    let rssPeak = rssBefore;
    const logsBefore = node.logs.length;
    const frozenAt = Date.now();
    stopReading(sloth);
    const line = '红'.repeat(490);
    let droppedAt = NaN;
    let lines = 0;
    while (lines < maxLines && Number.isNaN(droppedAt)) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => talker.chat(room, `${lines + i} ${line}`)));
      lines += 50;
      if (lines % 1_000 === 0) rssPeak = Math.max(rssPeak, await rssMb(node.url));
      if (node.logs.slice(logsBefore).some((l) => l.includes('disconnecting a slow consumer')))
        droppedAt = Date.now();
    }
    return {
      readers: readerCount,
      lines,
      droppedAfterMs: droppedAt - frozenAt,
      lagP50Ms: pct(lags, 50),
      lagP99Ms: pct(lags, 99),
      rssBeforeMb: rssBefore,
      rssPeakMb: Math.max(rssPeak, await rssMb(node.url)),
    };
  } finally {
    for (const c of [talker, ...readers, sloth]) c.close();
  }
}
