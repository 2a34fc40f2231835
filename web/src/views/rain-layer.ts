/**
 * The rain over the page: a countdown in step with the server clock, red packets falling
 * across the screen (CSS transforms driven by requestAnimationFrame, so dozens stay at
 * 60 fps on a phone), tap to grab with instant feedback, and the leaderboard at the end.
 */
import type { DropView, RainEndedEvent, RainView } from '@red-packet/sdk';
import { RedPacketError } from '@red-packet/sdk';
import { h, mount, yuan } from '../dom.js';
import { t } from '../i18n.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { openModal } from './modal.js';

interface FallingDrop {
  el: HTMLButtonElement;
  x: number;
  /** Local time (performance.now) its window ends. */
  endsAt: number;
  ttlMs: number;
  state: 'falling' | 'grabbing' | 'done';
}

export class RainLayer {
  private readonly root = h('div', { class: 'rain-layer hidden', 'data-testid': 'rain-layer' });
  private readonly countdown = h('div', { class: 'countdown', 'data-testid': 'countdown' });
  private readonly tally = h('div', { class: 'rain-tally', 'data-testid': 'rain-tally' });
  private readonly drops = new Map<string, FallingDrop>();
  private rain: RainView | null = null;
  private won = 0;
  private frame = 0;

  constructor(private readonly session: Session) {
    this.root.append(this.countdown, this.tally);
    document.body.append(this.root);
    const c = session.client;
    c.on('rain:scheduled', ({ rain }) => this.show(rain));
    c.on('rain:started', ({ rainId }) => {
      if (this.rain?.id === rainId) this.rain = { ...this.rain, status: 'running' };
    });
    c.on('rain:drops', ({ rainId, drops }) => {
      if (this.rain?.id === rainId) for (const d of drops) this.addDrop(d);
    });
    c.on('rain:gone', ({ dropIds }) => {
      for (const id of dropIds) this.fade(id);
    });
    c.on('rain:ended', (e) => {
      if (this.rain?.id === e.rainId) this.end(e);
    });
  }

  /** Shows a scheduled or running rain (from an event or a room snapshot). */
  show(rain: RainView, falling: DropView[] = [], mine = { grabs: 0, amount: 0 }): void {
    if (rain.status === 'ended' || rain.status === 'cancelled') return;
    if (this.rain?.id !== rain.id) {
      this.clearDrops();
      this.won = mine.amount;
    }
    this.rain = rain;
    this.root.classList.remove('hidden');
    this.updateTally();
    for (const d of falling) this.addDrop(d);
    if (!this.frame) this.frame = requestAnimationFrame(this.tick);
  }

  private addDrop(d: DropView): void {
    if (this.drops.has(d.dropId) || d.ttlMs <= 0) return;
    const el = h('button', { class: 'drop', 'data-drop-id': d.dropId, 'aria-label': 'red packet' });
    const drop: FallingDrop = {
      el,
      x: d.x,
      endsAt: performance.now() + d.ttlMs,
      ttlMs: d.ttlMs,
      state: 'falling',
    };
    el.addEventListener('pointerdown', () => void this.grab(d.dropId, drop));
    this.drops.set(d.dropId, drop);
    this.root.append(el);
  }

  private async grab(dropId: string, drop: FallingDrop): Promise<void> {
    if (drop.state !== 'falling' || !this.rain) return;
    drop.state = 'grabbing';
    drop.el.classList.add('grabbing');
    try {
      const { amount } = await this.session.client.grabDrop(this.rain.id, dropId);
      this.won += amount;
      this.updateTally();
      this.burst(drop, `+${yuan(amount)}`, 'win');
    } catch (err) {
      if (err instanceof RedPacketError && err.code === 'GRAB_TOO_EARLY') {
        // A lottery drop opens a moment after it appears: the drop stays, tap it again.
        drop.state = 'falling';
        drop.el.classList.remove('grabbing');
        return;
      }
      this.burst(drop, describeError(err), 'miss');
    }
  }

  /** Replaces a drop with floating feedback text. */
  private burst(drop: FallingDrop, text: string, kind: 'win' | 'miss'): void {
    drop.state = 'done';
    const note = h('div', { class: `burst ${kind}`, 'data-testid': `burst-${kind}` }, text);
    note.style.transform = drop.el.style.transform;
    this.root.append(note);
    drop.el.remove();
    setTimeout(() => note.remove(), 1_200);
  }

  private fade(dropId: string): void {
    const drop = this.drops.get(dropId);
    if (drop?.state === 'falling') {
      drop.state = 'done';
      drop.el.classList.add('gone');
      setTimeout(() => drop.el.remove(), 300);
    }
  }

  private readonly tick = (): void => {
    this.frame = 0;
    if (!this.rain) return;
    const now = performance.now();
    const width = this.root.clientWidth;
    const height = this.root.clientHeight;
    const msLeft = this.session.client.msUntil(this.rain.startAt);
    this.countdown.textContent = msLeft > 0 ? String(Math.ceil(msLeft / 1000)) : '';
    this.countdown.classList.toggle('hidden', msLeft <= 0);
    for (const [id, d] of this.drops) {
      const progress = 1 - (d.endsAt - now) / d.ttlMs;
      if (progress >= 1) {
        if (d.state === 'falling') d.el.remove();
        this.drops.delete(id);
        continue;
      }
      d.el.style.transform = `translate3d(${(d.x * (width - 56)).toFixed(1)}px, ${(progress * (height + 60) - 60).toFixed(1)}px, 0)`;
    }
    this.frame = requestAnimationFrame(this.tick);
  };

  private updateTally(): void {
    this.tally.textContent = this.rain
      ? t('rain.tally', { won: yuan(this.won), total: yuan(this.rain.total), host: this.rain.hostName })
      : '';
  }

  private end(e: RainEndedEvent): void {
    this.rain = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.clearDrops();
    this.root.classList.add('hidden');
    const rows = e.leaderboard.map((entry, i) =>
      h(
        'tr',
        { class: entry.userId === this.session.saved.userId ? 'me' : undefined },
        h('td', {}, `${i + 1}`),
        h('td', {}, entry.name),
        h('td', {}, `${entry.grabs}`),
        h('td', {}, yuan(entry.amount)),
      ),
    );
    openModal(
      h(
        'div',
        { class: 'leaderboard' },
        h('h2', {}, e.reason === 'cancelled' ? t('rain.cancelled') : t('rain.over')),
        h(
          'p',
          {},
          t('rain.summary', {
            won: yuan(this.won),
            paid: yuan(e.totals.paid),
            winners: e.totals.winners,
            refunded: yuan(e.totals.refunded),
          }),
        ),
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, '#'),
              h('th', {}, t('rain.who')),
              h('th', {}, t('rain.grabs')),
              h('th', {}, t('rain.won')),
            ),
          ),
          h('tbody', {}, ...rows),
        ),
      ),
      'leaderboard',
    );
  }

  private clearDrops(): void {
    for (const d of this.drops.values()) d.el.remove();
    this.drops.clear();
    mount(this.countdown);
  }
}
