/**
 * The host's rain report as charts, in plain SVG: releases against grabs over time, the
 * reaction-time histogram with the reaction floor marked, winnings per user, and the flags.
 */
import type { RainReport } from '@red-packet/sdk/rain-fairness';
import { h, yuan } from '../dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 120;
const PAD = 18;

function svg(
  tag: string,
  attrs: Record<string, string | number>,
  ...children: (SVGElement | string)[]
): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** Bars for one or two series over the same buckets, with a caption and axis labels. */
function bars(
  testId: string,
  caption: string,
  labels: string[],
  series: { name: string; values: number[]; cls: string }[],
  marker?: { at: number; label: string },
): HTMLElement {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const slot = (W - PAD * 2) / Math.max(1, labels.length);
  const barW = Math.max(1, slot / series.length - 1);
  const plot = svg('svg', {
    viewBox: `0 0 ${W} ${H + PAD}`,
    role: 'img',
    'aria-label': caption,
    class: 'chart',
  });
  plot.append(svg('line', { x1: PAD, y1: H, x2: W - PAD, y2: H, class: 'axis' }));
  series.forEach((s, k) =>
    s.values.forEach((v, i) => {
      const height = (v / max) * (H - PAD);
      const bar = svg('rect', {
        x: PAD + i * slot + k * (barW + 1),
        y: H - height,
        width: barW,
        height,
        class: `chart-bar ${s.cls}`,
      });
      bar.append(svg('title', {}, `${labels[i]}: ${v} ${s.name}`));
      plot.append(bar);
    }),
  );
  if (marker) {
    const x = PAD + marker.at * slot;
    plot.append(svg('line', { x1: x, y1: PAD / 2, x2: x, y2: H, class: 'marker' }));
    plot.append(svg('text', { x: x + 3, y: PAD, class: 'marker-label' }, marker.label));
  }
  plot.append(svg('text', { x: PAD, y: H + PAD - 4, class: 'tick' }, labels[0] ?? ''));
  plot.append(
    svg('text', { x: W - PAD, y: H + PAD - 4, class: 'tick', 'text-anchor': 'end' }, labels.at(-1) ?? ''),
  );
  plot.append(svg('text', { x: PAD, y: PAD / 2 + 2, class: 'tick' }, `max ${max}`));
  const legend = h('div', { class: 'legend' }, ...series.map((s) => h('span', { class: s.cls }, s.name)));
  return h(
    'figure',
    { class: 'chart-box', 'data-testid': testId },
    plot,
    h('figcaption', {}, caption),
    legend,
  );
}

export function rainReportView(report: RainReport): HTMLElement {
  const timeline = bars(
    'chart-timeline',
    `Releases vs grabs per ${report.bucketMs / 1000}s`,
    report.timeline.map((b) => `${(b.atMs / 1000).toFixed(1)}s`),
    [
      { name: 'drops released', values: report.timeline.map((b) => b.releases), cls: 'release' },
      { name: 'grab attempts', values: report.timeline.map((b) => b.grabs), cls: 'grab' },
    ],
  );
  const { buckets } = report.reactions;
  const step = buckets[0] ? buckets[0].toMs - buckets[0].fromMs : 1;
  const median = report.reactions.median;
  const reactions = bars(
    'chart-reactions',
    `Reaction times (grab − release), ${report.reactions.count} grabs` +
      (median === null ? '' : `, median ${median} ms`),
    buckets.map((b) => `${b.fromMs}ms`),
    [{ name: 'grabs', values: buckets.map((b) => b.count), cls: 'grab' }],
    { at: report.reactionFloorMs / step, label: `floor ${report.reactionFloorMs} ms` },
  );
  const top = report.winnings.slice(0, 10);
  const winnings = bars(
    'chart-winnings',
    `Winnings per user (top ${top.length} of ${report.winnings.length})`,
    top.map((w) => w.name),
    [{ name: 'fen won', values: top.map((w) => w.amount), cls: 'win' }],
  );
  const flags = h(
    'ul',
    { class: 'flags', 'data-testid': 'rain-flags' },
    ...(report.flags.length === 0
      ? [h('li', {}, 'No flags: no grab beat the reaction floor, no one tapped over the limit.')]
      : report.flags
          .slice(0, 10)
          .map((f) =>
            h(
              'li',
              {},
              `⚑ ${f.userId}: ${f.belowFloor} below the ${report.reactionFloorMs} ms floor, ` +
                `${f.rateLimited} over ${report.maxTapsPerSec} taps/s, fastest ${f.fastestReactionMs} ms`,
            ),
          )),
  );
  const won = report.winnings.reduce((s, w) => s + w.amount, 0);
  return h(
    'div',
    { class: 'rain-report', 'data-testid': 'rain-report' },
    h('h3', {}, `Report · ${report.mode} · ${yuan(won)} won${report.truncated ? ' · log truncated' : ''}`),
    timeline,
    reactions,
    winnings,
    flags,
  );
}
