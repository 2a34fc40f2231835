/**
 * Send a group packet (lucky or equal), optionally a karaoke one that needs listening first,
 * optionally timed (定时红包: it opens for grabs after a countdown), optionally fenced to where
 * the sender is (同城 / 地理围栏: only people within a radius can claim it).
 */
import type { Fence } from '@red-packet/sdk';
import { h } from '../dom.js';
import { currentLocation, formatDistance } from '../geo.js';
import { t } from '../i18n.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { openModal } from './modal.js';
import { openPacketQr } from './qr-code.js';
import { toast } from './toast.js';

export function openPacketForm(session: Session, roomId: string): void {
  const kind = h(
    'select',
    { name: 'kind', 'data-testid': 'packet-kind' },
    h('option', { value: 'lucky' }, t('form.lucky')),
    h('option', { value: 'equal' }, t('form.equal')),
  );
  const amount = h('input', {
    name: 'amount',
    type: 'number',
    min: 0.01,
    step: 0.01,
    value: 5,
    'data-testid': 'packet-amount',
  });
  const count = h('input', {
    name: 'count',
    type: 'number',
    min: 1,
    step: 1,
    value: 3,
    'data-testid': 'packet-count',
  });
  const greeting = h('input', {
    name: 'greeting',
    maxlength: 64,
    placeholder: '恭喜发财',
    'data-testid': 'packet-greeting',
  });
  const karaoke = h('input', { name: 'karaoke', type: 'checkbox', 'data-testid': 'packet-karaoke' });
  const songSeconds = h('input', { name: 'song', type: 'number', min: 3, max: 900, value: 8 });
  const opensIn = h('input', {
    name: 'opensIn',
    type: 'number',
    min: 0,
    max: 86_400,
    step: 1,
    value: 0,
    'data-testid': 'packet-opens-in',
  });
  const claimBy = h(
    'select',
    { name: 'claim', 'data-testid': 'packet-claim' },
    h('option', { value: 'room' }, t('form.claimRoom')),
    h('option', { value: 'code' }, t('form.claimCode')),
  );
  const fenceRadius = h(
    'select',
    { name: 'fence', 'data-testid': 'packet-fence' },
    h('option', { value: '0' }, t('form.fenceAnywhere')),
    ...[100, 300, 1_000, 5_000].map((m) =>
      h('option', { value: String(m) }, t('form.fenceWithin', { distance: formatDistance(m) })),
    ),
  );
  const phrase = h('input', {
    name: 'phrase',
    maxlength: 32,
    placeholder: t('form.phrasePlaceholder'),
    'data-testid': 'packet-phrase',
  });
  const amountLabel = h('span', {}, t('form.total'));
  kind.addEventListener('change', () => {
    amountLabel.textContent = kind.value === 'lucky' ? t('form.total') : t('form.each');
  });
  const error = h('p', { class: 'error' });
  const close = openModal(
    h(
      'form',
      {
        class: 'form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const fen = Math.round(Number(amount.value) * 100);
          const n = Math.round(Number(count.value));
          const said = phrase.value.trim();
          if (said && karaoke.checked) {
            error.textContent = t('form.phraseAndSong');
            return;
          }
          const radiusM = Number(fenceRadius.value);
          if (said && radiusM > 0) {
            error.textContent = t('form.phraseAndFence');
            return;
          }
          const unlock = said
            ? { type: 'phrase' as const, phrase: said }
            : karaoke.checked
              ? {
                  type: 'listen' as const,
                  song: {
                    id: 'twinkle',
                    title: t('form.song'),
                    durationMs: Math.round(Number(songSeconds.value) * 1000),
                  },
                }
              : undefined;
          const common = (fence: Fence | undefined) => ({
            roomId,
            count: n,
            ...(greeting.value.trim() ? { greeting: greeting.value.trim() } : {}),
            ...(unlock ? { unlock } : {}),
            ...(Number(opensIn.value) > 0 ? { opensInMs: Math.round(Number(opensIn.value) * 1000) } : {}),
            ...(claimBy.value === 'code' ? { claim: { type: 'code' as const } } : {}),
            ...(fence ? { fence } : {}),
          });
          const payload = (fence: Fence | undefined) =>
            kind.value === 'lucky'
              ? { ...common(fence), kind: 'lucky' as const, total: fen }
              : { ...common(fence), kind: 'equal' as const, amount: fen };
          // A fenced packet is centred where the sender is now (the browser asks first).
          const where =
            radiusM > 0
              ? currentLocation().then(({ lat, lng }) => ({ lat, lng, radiusM }))
              : Promise.resolve(undefined);
          where
            .then((fence) => session.client.sendPacket(payload(fence)))
            .then(
              ({ packet }) => {
                close();
                toast(t('form.sent'));
                if (packet.claim?.type === 'code') openPacketQr(session, packet.id);
              },
              (err: unknown) => {
                error.textContent = describeError(err);
              },
            );
        },
      },
      h('h2', {}, t('form.title')),
      h('label', {}, t('form.kind'), kind),
      h('label', {}, amountLabel, amount),
      h('label', {}, t('form.shares'), count),
      h('label', {}, t('form.greeting'), greeting),
      h('label', {}, t('form.opensIn'), opensIn),
      h('label', {}, t('form.claim'), claimBy),
      h('label', {}, t('form.fence'), fenceRadius),
      h('label', {}, t('form.phrase'), phrase),
      h('label', { class: 'inline' }, karaoke, t('form.karaoke'), songSeconds),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'packet-send' }, t('form.send')),
      error,
    ),
    'packet-form',
  );
}
