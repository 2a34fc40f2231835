/**
 * The host console: test money (dev mode), a rain with budget, drops, duration and countdown,
 * fairness mode (lottery or first-come race), and while it falls, live grabs per second, the
 * leaderboard and the report charts (rain-charts.ts).
 */
import type { RainView } from '@red-packet/sdk';
import { api } from '../api.js';
import { h, mount, yuan } from '../dom.js';
import { t } from '../i18n.js';
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
    h('option', { value: 'lottery', selected: true }, t('host.modeLottery')),
    h('option', { value: 'race' }, t('host.modeRace')),
  );
  const stats = h('div', { class: 'stats', 'data-testid': 'rain-stats' }, t('host.noRain'));
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
        h(
          'div',
          {},
          t('host.progress', {
            status: t(`rain.status.${d.rain.status}`),
            released: d.rain.released,
            drops: d.rain.drops,
            perSec,
          }),
        ),
        h(
          'div',
          {},
          t('host.paid', {
            paid: yuan(d.totals.paid),
            winners: d.totals.winners,
            refunded: yuan(d.totals.refunded),
          }),
        ),
        h(
          'ol',
          {},
          ...d.leaderboard.map((e) =>
            h('li', {}, t('host.entry', { name: e.name, amount: yuan(e.amount), grabs: e.grabs })),
          ),
        ),
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
    h('h2', {}, t('host.title')),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          'data-testid': 'mint',
          onclick: () =>
            void session.mintTestMoney(100_000).then(
              () => toast(t('host.minted')),
              (err: unknown) => toast(describeError(err), 'error'),
            ),
        },
        t('host.mint'),
      ),
      h('button', { onclick: () => openPacketForm(session, roomId) }, t('host.groupPacket')),
    ),
    h(
      'form',
      { class: 'form grid', onsubmit: schedule },
      h('label', {}, t('host.budget'), budget),
      h('label', {}, t('host.drops'), drops),
      h('label', {}, t('host.shares'), shares),
      h('label', {}, t('host.duration'), duration),
      h('label', {}, t('host.countdown'), countdown),
      h('label', {}, t('host.ttl'), ttl),
      h('label', {}, t('host.mode'), mode),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'rain-start' }, t('host.start')),
    ),
    error,
    stats,
    report,
  );
}
