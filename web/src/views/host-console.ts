/**
 * The host console: test money (dev mode), a rain with budget, drops, duration and countdown,
 * fairness mode (lottery or first-come race), and while it falls, live grabs per second, the
 * leaderboard and the report charts (rain-charts.ts).
 */
import type { RainView } from '../../../shared/sdk/index.js';
import { api } from '../api.js';
import { h, mount, yuan } from '../dom.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { openPacketForm } from './packet-form.js';
import { rainReportView } from './rain-charts.js';
import { toast } from './toast.js';

export function hostConsole(session: Session, roomId: string): HTMLElement {
  const field = (name: string, value: number, attrs: Record<string, number> = {}): HTMLInputElement =>
    h('input', { name, type: 'number', value, 'data-testid': `rain-${name}`, ...attrs });
  const budget = field('budget', 100, { min: 0.01, step: 0.01 });
  const drops = field('drops', 40, { min: 1 });
  const duration = field('duration', 20, { min: 1 });
  const countdown = field('countdown', 5, { min: 0 });
  const shares = field('shares', 1, { min: 1, max: 100 });
  const ttl = field('ttl', 3, { min: 0.2, step: 0.1 });
  const mode = h(
    'select',
    { name: 'mode', 'data-testid': 'rain-mode' },
    h('option', { value: 'lottery', selected: true }, 'Lottery (fair)'),
    h('option', { value: 'race' }, 'Race (first come)'),
  );
  const stats = h('div', { class: 'stats', 'data-testid': 'rain-stats' }, 'No rain yet.');
  const report = h('div', { class: 'report' });
  const error = h('p', { class: 'error' });
  let poll: ReturnType<typeof setInterval> | undefined;

  const watch = (rain: RainView): void => {
    clearInterval(poll);
    let lastGrabs = 0;
    let refreshes = 0;
    let lastAt = performance.now();
    const refresh = async (): Promise<void> => {
      const d = await api.rain(session.saved.token, rain.id);
      const now = performance.now();
      const perSec = ((d.totals.grabs - lastGrabs) / ((now - lastAt) / 1000)).toFixed(1);
      lastGrabs = d.totals.grabs;
      lastAt = now;
      mount(
        stats,
        h('div', {}, `${d.rain.status} · released ${d.rain.released}/${d.rain.drops} · ${perSec} grabs/s`),
        h(
          'div',
          {},
          `paid ${yuan(d.totals.paid)} to ${d.totals.winners} · refunded ${yuan(d.totals.refunded)}`,
        ),
        h('ol', {}, ...d.leaderboard.map((e) => h('li', {}, `${e.name} ${yuan(e.amount)} (${e.grabs})`))),
      );
      const over = d.rain.status === 'ended' || d.rain.status === 'cancelled';
      if (over) clearInterval(poll);
      // The report reads the rain's whole audit trail: every few seconds while it falls.
      if (over || refreshes++ % 5 === 0)
        mount(report, rainReportView(await api.rainReport(session.saved.token, rain.id)));
    };
    poll = setInterval(() => void refresh().catch(() => undefined), 1_000);
    void refresh();
  };

  const schedule = (e: Event): void => {
    e.preventDefault();
    error.textContent = '';
    session.client
      .scheduleRain({
        roomId,
        total: Math.round(Number(budget.value) * 100),
        drops: Math.round(Number(drops.value)),
        sharesPerDrop: Math.round(Number(shares.value)),
        durationMs: Math.round(Number(duration.value) * 1000),
        startInMs: Math.round(Number(countdown.value) * 1000),
        dropTtlMs: Math.round(Number(ttl.value) * 1000),
        mode: mode.value === 'race' ? 'race' : 'lottery',
      })
      .then(
        ({ rain }) => watch(rain),
        (err: unknown) => {
          error.textContent = describeError(err);
        },
      );
  };

  return h(
    'section',
    { class: 'host-console card', 'data-testid': 'host-console' },
    h('h2', {}, 'Host console'),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          'data-testid': 'mint',
          onclick: () =>
            void session.mintTestMoney(100_000).then(
              () => toast('Added ¥1000 test money'),
              (err: unknown) => toast(describeError(err), 'error'),
            ),
        },
        '+ ¥1000 test money',
      ),
      h('button', { onclick: () => openPacketForm(session, roomId) }, '🧧 Group packet'),
    ),
    h(
      'form',
      { class: 'form grid', onsubmit: schedule },
      h('label', {}, 'Budget (¥)', budget),
      h('label', {}, 'Drops', drops),
      h('label', {}, 'Shares / drop', shares),
      h('label', {}, 'Duration (s)', duration),
      h('label', {}, 'Countdown (s)', countdown),
      h('label', {}, 'Drop lifetime (s)', ttl),
      h('label', {}, 'Mode', mode),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'rain-start' }, '🌧 Make it rain'),
    ),
    error,
    stats,
    report,
  );
}
