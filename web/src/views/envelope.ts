/**
 * Opening a red envelope: grab (with the opening animation), then who got what and best luck.
 * Karaoke envelopes play their song first; the server's listening credit fills the bar and the
 * envelope opens itself once unlocked. Timed envelopes count down to their opening first.
 * Location-fenced envelopes say how near one must be and ask the browser where the player is.
 */
import { RedPacketError, type PacketSnapshot } from '@red-packet/sdk';
import { api } from '../api.js';
import { h, mount, yuan } from '../dom.js';
import { currentLocation, formatDistance } from '../geo.js';
import { t } from '../i18n.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { Tune } from '../tune.js';
import { openModal } from './modal.js';
import { openPacketQr } from './qr-code.js';

export function openEnvelope(
  session: Session,
  packet: PacketSnapshot,
  onGrabbed: (amount: number) => void,
): void {
  const body = h('div', { class: 'envelope-open' });
  const result = h('div', { class: 'result', 'data-testid': 'grab-result' });
  const claims = h('ul', { class: 'claims', 'data-testid': 'claims' });
  openModal(h('div', {}, body, result, claims), 'envelope');

  const showClaims = async (): Promise<void> => {
    const details = await api.packet(session.saved.token, packet.id);
    mount(
      claims,
      ...details.claims.map((c) =>
        h(
          'li',
          {},
          c.name,
          ' ',
          h('b', {}, yuan(c.amount)),
          details.bestLuck?.userId === c.userId ? h('span', { class: 'luck' }, t('envelope.bestLuck')) : null,
        ),
      ),
      h(
        'li',
        { class: 'muted' },
        t('envelope.openedCount', {
          opened: details.packet.count - details.packet.remainingCount,
          count: details.packet.count,
        }),
      ),
    );
  };

  const grab = async (): Promise<void> => {
    body.classList.add('opening');
    body.querySelector('.open-btn')?.remove();
    try {
      let location;
      if (packet.fence) {
        mount(result, h('div', { class: 'muted' }, t('fence.locating')));
        location = await currentLocation();
        mount(result);
      }
      const { amount } = await session.client.grab(packet.id, location ? { location } : {});
      mount(
        result,
        h('div', { class: 'won' }, yuan(amount)),
        h('div', { class: 'muted' }, t('envelope.added')),
      );
      onGrabbed(amount);
    } catch (err) {
      const away = err instanceof RedPacketError ? err.details.distanceM : undefined;
      mount(
        result,
        h('div', { class: 'lost', 'data-testid': 'grab-error' }, describeError(err)),
        away !== undefined
          ? h('div', { class: 'muted' }, t('fence.away', { distance: formatDistance(away) }))
          : null,
      );
    } finally {
      body.classList.remove('opening');
      await showClaims().catch(() => undefined);
    }
  };

  mount(
    body,
    h('div', { class: 'big-envelope' }, '🧧'),
    h('div', { class: 'from' }, t('envelope.from', { name: packet.senderName })),
    h('div', { class: 'greeting' }, packet.greeting || t('packet.defaultGreeting')),
    packet.fence
      ? h(
          'div',
          {
            class: 'fence-hint',
            'data-testid': 'fence-hint',
            title: t('fence.hint', { distance: formatDistance(packet.fence.radiusM) }),
          },
          '📍 ',
          t('fence.within', { distance: formatDistance(packet.fence.radiusM) }),
        )
      : null,
  );

  if (packet.mine) {
    mount(
      result,
      h('div', { class: 'won' }, yuan(packet.mine.amount)),
      h('div', { class: 'muted' }, t('envelope.alreadyOpened')),
    );
    void showClaims();
    return;
  }
  if (packet.claim?.type === 'code' && packet.senderId === session.saved.userId) {
    body.append(
      h(
        'button',
        { class: 'link', 'data-testid': 'show-qr', onclick: () => openPacketQr(session, packet.id) },
        '📱 Show QR code',
      ),
    );
  }
  const song = packet.unlock?.type === 'listen' ? packet.unlock.song : undefined;
  const openButton = (): HTMLElement =>
    h(
      'button',
      { class: 'primary open-btn', 'data-testid': 'open', onclick: () => void grab() },
      t('envelope.open'),
    );
  if (packet.opensAt !== null && packet.opensAt > session.client.serverNow()) {
    // Timed packet: count down on the server's clock, then offer to open it.
    const countdown = h('div', { class: 'countdown', 'data-testid': 'countdown' });
    body.append(countdown);
    const opensAt = packet.opensAt;
    const tick = (): void => {
      const left = opensAt - session.client.serverNow();
      if (!countdown.isConnected) return; // the envelope was closed
      if (left <= 0) {
        countdown.replaceWith(
          (song && !packet.listen?.unlocked) || packet.unlock?.type === 'phrase'
            ? h('div', { class: 'muted' }, t('envelope.openNow'))
            : openButton(),
        );
        return;
      }
      countdown.textContent = t('envelope.opensIn', { time: formatCountdown(left) });
      setTimeout(tick, Math.min(250, left));
    };
    tick();
    return;
  }
  if (packet.unlock?.type === 'phrase') {
    // Password packet: saying the phrase in chat opens it — one tap says it.
    const phrase = packet.unlock.phrase;
    const say = h('button', { class: 'primary open-btn', 'data-testid': 'say-it' }, `Say “${phrase}”`);
    say.addEventListener('click', () => {
      say.remove();
      body.classList.add('opening');
      session.client
        .chat(packet.roomId, phrase)
        .then(({ grabs }) => {
          const mine = grabs?.find((g) => g.packetId === packet.id);
          if (mine?.ok) {
            mount(
              result,
              h('div', { class: 'won' }, yuan(mine.amount)),
              h('div', { class: 'muted' }, 'added to your wallet'),
            );
            onGrabbed(mine.amount);
          } else {
            mount(
              result,
              h(
                'div',
                { class: 'lost' },
                mine
                  ? describeError(new RedPacketError(mine.error.code, mine.error.message))
                  : 'That was not it.',
              ),
            );
          }
        })
        .catch((err: unknown) => mount(result, h('div', { class: 'lost' }, describeError(err))))
        .finally(() => {
          body.classList.remove('opening');
          void showClaims().catch(() => undefined);
        });
    });
    body.append(h('div', { class: 'phrase', 'data-testid': 'phrase' }, '🔑 ', phrase), say);
    return;
  }
  if (!song || packet.listen?.unlocked) {
    body.append(openButton());
    return;
  }
  // Karaoke: listen to unlock.
  const bar = h('div', { class: 'bar-fill' });
  const label = h('div', { class: 'muted' }, t('envelope.listenToUnlock', { song: song.title }));
  const start = h('button', { class: 'primary', 'data-testid': 'listen' }, t('envelope.listen'));
  body.append(h('div', { class: 'song' }, '🎤 ', song.title), h('div', { class: 'bar' }, bar), label, start);
  start.addEventListener('click', () => {
    start.remove();
    const tune = new Tune(song.durationMs);
    tune.play();
    const listen = session.client.listen(packet.id, tune, { intervalMs: 1_000 });
    listen.onProgress((p) => {
      bar.style.width = `${Math.min(100, (p.creditedMs / song.durationMs) * 100).toFixed(1)}%`;
      label.textContent = p.unlocked
        ? t('envelope.unlocked')
        : t('envelope.heard', {
            heard: (p.creditedMs / 1000).toFixed(0),
            total: (song.durationMs / 1000).toFixed(0),
          });
    });
    listen.done.then(
      () => void grab().finally(() => tune.stop()),
      (err: unknown) => {
        tune.stop();
        mount(result, h('div', { class: 'lost' }, describeError(err)));
      },
    );
    const stopAll = (): void => {
      listen.stop();
      tune.stop();
    };
    body.closest('.backdrop')?.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).matches('.backdrop, .close')) stopAll();
    });
  });
}

/** ms → "h:mm:ss" or "m:ss", rounded up so it reaches 0:00 exactly at the opening. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
