/**
 * The fan-out scale curve as SVG: lag p50 and p99 (ms, left axis) and server CPU (% of a
 * core, right axis) against connected clients, with the 50 ms p99 goal as a dashed line.
 */
import type { FanoutFigures } from './results.js';

export function curveSvg(points: FanoutFigures[], top: number): { svg: string; height: number } {
  const height = 300;
  if (points.length === 0) return { svg: '', height: 0 };
  const x0 = 70;
  const w = 760;
  const y0 = top + 40;
  const h = 200;
  const maxClients = Math.max(...points.map((p) => p.clients));
  const maxMs = Math.max(60, ...points.map((p) => (Number.isFinite(p.p99Ms) ? p.p99Ms : 0))) * 1.1;
  const maxCpu = 100;
  const px = (c: number): number => x0 + (c / maxClients) * w;
  const pyMs = (ms: number): number => y0 + h - (Math.min(ms, maxMs) / maxMs) * h;
  const pyCpu = (pct: number): number => y0 + h - (Math.min(pct, maxCpu) / maxCpu) * h;
  const line = (ys: (p: FanoutFigures) => number, color: string, dash = ''): string =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''} points="${points
      .map((p) => `${px(p.clients).toFixed(1)},${ys(p).toFixed(1)}`)
      .join(' ')}"/>` +
    points
      .map((p) => `<circle cx="${px(p.clients).toFixed(1)}" cy="${ys(p).toFixed(1)}" r="3" fill="${color}"/>`)
      .join('');
  const ticks = points
    .map(
      (p) =>
        `<text x="${px(p.clients)}" y="${y0 + h + 16}" font-size="11" text-anchor="middle">${p.clients}</text>` +
        (p.cpu.generatorSaturated
          ? `<text x="${px(p.clients)}" y="${y0 + h + 30}" font-size="10" text-anchor="middle" fill="#999">gen. saturated</text>`
          : ''),
    )
    .join('');
  const svg = `<text x="10" y="${top + 20}" font-size="15" font-weight="bold">Fan-out scale curve (uWS, one node, 20 batches/s)</text>
<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#ccc"/>
<line x1="${x0}" y1="${pyMs(50)}" x2="${x0 + w}" y2="${pyMs(50)}" stroke="#d62f2f" stroke-dasharray="4 3"/>
<text x="${x0 + w - 4}" y="${pyMs(50) - 4}" font-size="10" text-anchor="end" fill="#d62f2f">p99 goal 50 ms</text>
${line((p) => pyMs(p.p50Ms), '#1f77b4')}
${line((p) => pyMs(p.p99Ms), '#ff7f0e')}
${line((p) => pyCpu(p.cpu.serverPct), '#2e9d5b', '5 3')}
${ticks}
<text x="${x0 - 8}" y="${y0 + 4}" font-size="10" text-anchor="end">${Math.round(maxMs)} ms</text>
<text x="${x0 - 8}" y="${y0 + h}" font-size="10" text-anchor="end">0</text>
<text x="${x0 + w + 8}" y="${y0 + 4}" font-size="10">100 %</text>
<text x="${x0 + w / 2}" y="${y0 + h + 44}" font-size="11" text-anchor="middle">connected clients</text>
<text x="${x0}" y="${y0 + h + 62}" font-size="11"><tspan fill="#1f77b4">■ lag p50</tspan>   <tspan fill="#ff7f0e">■ lag p99</tspan>   <tspan fill="#2e9d5b">- - server CPU (% of a core, right axis)</tspan></text>`;
  return { svg, height };
}
