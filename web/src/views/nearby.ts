/**
 * Nearby red packets (同城): asks the browser where the player is, lists the open
 * location-fenced packets around, nearest first with their distance, and opens one — no need
 * to be in its room: its fence decides who may claim it.
 */
import { h, mount } from '../dom.js';
import { currentLocation, formatDistance } from '../geo.js';
import { t } from '../i18n.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { openEnvelope } from './envelope.js';
import { openModal } from './modal.js';

/** How far the list looks, metres. */
const SEARCH_RADIUS_M = 5_000;

export function openNearby(session: Session): void {
  const list = h('ul', { class: 'nearby', 'data-testid': 'nearby-list' });
  const status = h('p', { class: 'muted', 'data-testid': 'nearby-status' }, t('fence.locating'));
  const close = openModal(h('div', {}, h('h2', {}, t('nearby.title')), status, list), 'nearby');
  currentLocation()
    .then((here) => session.client.nearby({ lat: here.lat, lng: here.lng, radiusM: SEARCH_RADIUS_M }))
    .then(({ packets }) => {
      status.textContent = packets.length === 0 ? t('nearby.none') : '';
      mount(
        list,
        ...packets.map(({ packet, distanceM }) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                class: 'envelope',
                'data-testid': 'nearby-packet',
                'data-packet-id': packet.id,
                onclick: () => {
                  close();
                  openEnvelope(session, { ...packet, mine: null, listen: null }, () => undefined);
                },
              },
              h('span', { class: 'envelope-icon' }, '📍'),
              h(
                'span',
                { class: 'envelope-text' },
                h('b', {}, packet.senderName),
                ' ',
                packet.greeting || t('packet.defaultGreeting'),
                h(
                  'small',
                  {},
                  t('nearby.away', { distance: formatDistance(distanceM) }),
                  ' · ',
                  t('room.left', { left: packet.remainingCount, count: packet.count }),
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch((err: unknown) => {
      status.textContent = describeError(err);
    });
}
