/**
 * The admin console's risk tab: open flags with their evidence (clear), open breakers, bans
 * (ban by user id with a reason, unban), and today's top senders and receivers. Admins see a
 * Host | Risk tab bar; hosts see the host console alone.
 */
import { api, type RiskOverview } from '../api.js';
import { h, mount, yuan } from '../dom.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { toast } from './toast.js';

const time = (ms: number): string => new Date(ms).toLocaleTimeString();

export function adminTabs(session: Session, host: HTMLElement): HTMLElement {
  if (session.saved.role !== 'admin') return host;
  const risk = riskConsole(session);
  risk.hidden = true;
  const tab = (label: string, show: HTMLElement, hide: HTMLElement, testId: string): HTMLButtonElement =>
    h(
      'button',
      {
        class: 'link',
        'data-testid': testId,
        onclick: () => {
          show.hidden = false;
          hide.hidden = true;
        },
      },
      label,
    );
  return h(
    'div',
    { class: 'admin-console' },
    h('nav', { class: 'row tabs' }, tab('Host', host, risk, 'tab-host'), tab('Risk', risk, host, 'tab-risk')),
    host,
    risk,
  );
}

export function riskConsole(session: Session): HTMLElement {
  const token = session.saved.token;
  const body = h('div', { 'data-testid': 'risk-body' }, 'Loading…');
  const error = h('p', { class: 'error' });
  const userField = h('input', { name: 'ban-user', placeholder: 'user id', 'data-testid': 'ban-user' });
  const reasonField = h('input', { name: 'ban-reason', placeholder: 'reason', 'data-testid': 'ban-reason' });

  const act = (work: Promise<unknown>, done: string): void => {
    work.then(
      () => {
        toast(done);
        void refresh();
      },
      (err: unknown) => toast(describeError(err), 'error'),
    );
  };

  const render = (r: RiskOverview): void => {
    const evidence = (e: Record<string, unknown>): string =>
      Object.entries(e)
        .map(([k, v]) => {
          const shown = Array.isArray(v)
            ? v.join(', ')
            : typeof v === 'number' && (k === 'until' || k === 'trippedAt')
              ? time(v)
              : String(v);
          return `${k}: ${shown}`;
        })
        .join(' · ');
    mount(
      body,
      h('h3', {}, `Open flags (${r.flags.length})`),
      r.flags.length === 0
        ? h('p', {}, 'None.')
        : h(
            'ul',
            { class: 'risk-flags' },
            ...r.flags.map((f) =>
              h(
                'li',
                { 'data-testid': 'risk-flag' },
                h('strong', {}, f.rule),
                ` ${f.userIds.join(', ')} — ${evidence(f.evidence)} (${time(f.at)}) `,
                h(
                  'button',
                  { class: 'link', onclick: () => act(api.clearFlag(token, f.id), 'Flag cleared') },
                  'Clear',
                ),
                ...f.userIds.map((u) =>
                  h(
                    'button',
                    { class: 'link', onclick: () => act(api.ban(token, u, f.rule), `Banned ${u}`) },
                    `Ban ${u}`,
                  ),
                ),
              ),
            ),
          ),
      h('h3', {}, 'Breakers open'),
      r.breakers.length === 0
        ? h('p', {}, 'None.')
        : h('ul', {}, ...r.breakers.map((b) => h('li', {}, `${b.userId} until ${time(b.until)}`))),
      h('h3', {}, `Bans (${r.bans.length})`),
      h(
        'ul',
        {},
        ...r.bans.map((b) =>
          h(
            'li',
            { 'data-testid': 'risk-ban' },
            `${b.userId} — ${b.reason || 'no reason'} (by ${b.by}, ${time(b.at)}) `,
            h(
              'button',
              { class: 'link', onclick: () => act(api.unban(token, b.userId), `Unbanned ${b.userId}`) },
              'Unban',
            ),
          ),
        ),
      ),
      h('h3', {}, `Today (${r.day})`),
      h(
        'div',
        { class: 'row' },
        h(
          'div',
          {},
          h('strong', {}, 'Top senders'),
          h('ol', {}, ...r.top.senders.map((e) => h('li', {}, `${e.userId} ${yuan(e.fen)}`))),
        ),
        h(
          'div',
          {},
          h('strong', {}, 'Top receivers'),
          h('ol', {}, ...r.top.receivers.map((e) => h('li', {}, `${e.userId} ${yuan(e.fen)}`))),
        ),
      ),
    );
  };

  const refresh = async (): Promise<void> => {
    try {
      render(await api.risk(token));
      error.textContent = '';
    } catch (err) {
      error.textContent = describeError(err);
    }
  };

  const ban = (e: Event): void => {
    e.preventDefault();
    const userId = userField.value.trim();
    if (!userId) return;
    act(api.ban(token, userId, reasonField.value.trim()), `Banned ${userId}`);
    userField.value = '';
    reasonField.value = '';
  };

  void refresh();
  const poll = setInterval(() => {
    // Stops once the console has left the page (sign out, another room).
    if (!body.isConnected) clearInterval(poll);
    else void refresh();
  }, 5_000);
  return h(
    'section',
    { class: 'risk-console card', 'data-testid': 'risk-console' },
    h('h2', {}, 'Risk control'),
    h(
      'form',
      { class: 'row', onsubmit: ban },
      userField,
      reasonField,
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'ban-submit' }, 'Ban'),
      h('button', { type: 'button', onclick: () => void refresh() }, 'Refresh'),
    ),
    error,
    body,
  );
}
