/**
 * The room: who is here, the chat with red envelopes in it, the wallet, and (for hosts) the
 * console. Rebuilt from the server's snapshot on join and after every reconnect.
 */
import type { ChatMessage, PacketSnapshot, PacketView, RoomSnapshot } from '@red-packet/sdk';
import { h, mount, yuan } from '../dom.js';
import { t } from '../i18n.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { openEnvelope } from './envelope.js';
import { hostConsole } from './host-console.js';
import { adminTabs } from './risk-console.js';
import { languageSwitch } from './language-switch.js';
import { openNearby } from './nearby.js';
import { openPacketForm } from './packet-form.js';
import { RainLayer } from './rain-layer.js';
import { inboxItem, openReceiveCode } from './receive-code.js';
import { toast } from './toast.js';

export function roomView(session: Session, snapshot: RoomSnapshot, onLeave: () => void): HTMLElement {
  const { client, saved } = session;
  const roomId = snapshot.roomId;
  const members = h('span', { 'data-testid': 'members' });
  const balance = h('span', { class: 'balance', 'data-testid': 'balance' });
  const status = h('span', { class: 'dot online', title: t('room.connected') });
  const feed = h('ol', { class: 'feed', 'data-testid': 'feed' });
  const packets = new Map<string, { view: PacketSnapshot; el: HTMLElement }>();
  const rain = new RainLayer(session);

  const scrollDown = (): void => {
    feed.scrollTop = feed.scrollHeight;
  };
  const line = (text: string, cls = 'system'): void => {
    feed.append(h('li', { class: cls }, text));
    scrollDown();
  };
  const chatLine = (m: ChatMessage): HTMLElement =>
    h('li', { class: m.userId === saved.userId ? 'chat mine' : 'chat' }, h('b', {}, m.name), ' ', m.text);

  const envelope = (p: PacketSnapshot): HTMLElement => {
    const el = h(
      'li',
      { class: 'envelope-item' },
      h(
        'button',
        { class: 'envelope', 'data-testid': 'envelope', 'data-packet-id': p.id, onclick: () => open(p.id) },
        h(
          'span',
          { class: 'envelope-icon' },
          p.opensAt !== null
            ? '⏰'
            : p.fence
              ? '📍'
              : p.unlock?.type === 'listen'
                ? '🎤'
                : p.unlock?.type === 'phrase'
                  ? '🔑'
                  : p.claim?.type === 'code'
                    ? '📱'
                    : '🧧',
        ),
        h(
          'span',
          { class: 'envelope-text' },
          h('b', {}, p.senderName),
          ' ',
          p.greeting || t('packet.defaultGreeting'),
          h('small', {}, t('room.left', { left: p.remainingCount, count: p.count })),
        ),
      ),
    );
    packets.set(p.id, { view: p, el });
    return el;
  };
  const open = (packetId: string): void => {
    const entry = packets.get(packetId);
    if (entry)
      openEnvelope(session, entry.view, (amount) => {
        entry.view = { ...entry.view, mine: { amount } };
        entry.el.classList.add('opened');
      });
  };
  const refreshEnvelope = (packetId: string, change: Partial<PacketView>): void => {
    const entry = packets.get(packetId);
    if (!entry) return;
    entry.view = { ...entry.view, ...change };
    const small = entry.el.querySelector('small');
    if (small)
      small.textContent =
        entry.view.status === 'open'
          ? t('room.left', { left: entry.view.remainingCount, count: entry.view.count })
          : t('room.allGone');
    entry.el.classList.toggle('empty', entry.view.status !== 'open');
  };

  const render = (snap: RoomSnapshot): void => {
    packets.clear();
    members.textContent = `👥 ${snap.members}`;
    const items: [number, HTMLElement][] = [
      ...snap.chat.map((m): [number, HTMLElement] => [m.at, chatLine(m)]),
      ...snap.packets.map((p): [number, HTMLElement] => {
        const el = envelope(p);
        if (p.mine) el.classList.add('opened');
        return [p.createdAt, el];
      }),
    ];
    mount(feed, ...items.sort((a, b) => a[0] - b[0]).map(([, el]) => el));
    if (snap.rain) rain.show(snap.rain.rain, snap.rain.drops, snap.rain.mine);
    scrollDown();
  };

  client.on('room:presence', (p) => {
    if (p.roomId === roomId) members.textContent = `👥 ${p.members}`;
  });
  client.on('chat:message', (m) => {
    if (m.roomId !== roomId) return;
    feed.append(chatLine(m));
    scrollDown();
  });
  client.on('packet:created', (p) => {
    if (p.roomId !== roomId) return;
    feed.append(envelope({ ...p, mine: null, listen: null }));
    scrollDown();
  });
  client.on('packet:grabbed', (e) => {
    if (e.roomId !== roomId) return;
    for (const p of e.packets) {
      refreshEnvelope(p.packetId, { remainingCount: p.remainingCount });
      for (const g of p.grabs) line(t('room.opened', { name: g.name, amount: yuan(g.amount) }));
    }
  });
  client.on('packet:finished', (e) => {
    const status = e.reason === 'empty' ? 'finished' : e.reason === 'cancelled' ? 'cancelled' : 'expired';
    refreshEnvelope(e.packetId, { status, remainingCount: 0 });
    if (e.reason === 'cancelled') line(t('room.cancelled'));
    if (e.bestLuck) line(t('room.bestLuck', { name: e.bestLuck.name, amount: yuan(e.bestLuck.amount) }));
  });
  client.on('karaoke:listened', (e) => {
    for (const l of e.listens)
      line(t('room.listened', { name: l.name, sender: l.senderName, song: l.songTitle }));
  });
  client.on('packet:received', ({ packet, from }) => {
    toast(t('room.receivedFrom', { name: from.name, amount: yuan(packet.total) }));
    const item = inboxItem(session, packet, () => item.remove());
    item.classList.add('system');
    feed.append(item);
    scrollDown();
  });
  client.on('rain:scheduled', ({ rain: r }) =>
    line(t('room.rainScheduled', { name: r.hostName, amount: yuan(r.total) })),
  );
  client.socket.on('disconnect', () => status.classList.replace('online', 'offline'));
  client.socket.on('connect', () => status.classList.replace('offline', 'online'));
  client.onRejoin((snaps) => {
    const snap = snaps.find((s) => s.roomId === roomId);
    if (snap) render(snap);
  });
  session.onBalance((b) => {
    balance.textContent = yuan(b);
  });

  const input = h('input', {
    name: 'chat',
    placeholder: t('room.say'),
    maxlength: 500,
    autocomplete: 'off',
    'data-testid': 'chat-input',
  });
  const composer = h(
    'form',
    {
      class: 'composer',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        input.value = '';
        client.chat(roomId, text).catch((err: unknown) => {
          // A refused line (CONTENT_BLOCKED, a rate limit…) goes back in the box to be rephrased.
          if (input.value === '') input.value = text;
          toast(describeError(err), 'error');
        });
      },
    },
    input,
    h('button', { type: 'submit' }, t('room.send')),
    h(
      'button',
      {
        type: 'button',
        class: 'red',
        title: t('room.sendPacket'),
        'data-testid': 'new-packet',
        onclick: () => openPacketForm(session, roomId),
      },
      '🧧',
    ),
  );

  render(snapshot);
  return h(
    'div',
    { class: 'room' },
    h(
      'header',
      {},
      status,
      h('span', { class: 'room-name' }, `#${roomId}`),
      members,
      h('span', { class: 'spacer' }),
      h('span', { class: 'who' }, saved.name, saved.role === 'user' ? '' : t('room.host')),
      balance,
      h(
        'button',
        { class: 'link', 'data-testid': 'nearby', onclick: () => openNearby(session) },
        t('nearby.button'),
      ),
      h(
        'button',
        { class: 'link', 'data-testid': 'my-receive-code', onclick: () => openReceiveCode(session) },
        t('room.receiveCode'),
      ),
      languageSwitch(),
      h('button', { class: 'link', onclick: onLeave }, t('room.signOut')),
    ),
    h('main', {}, feed, session.isHost ? adminTabs(session, hostConsole(session, roomId)) : null),
    composer,
  );
}
