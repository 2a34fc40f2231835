/**
 * "My receive code" (收款码): the user's QR — optionally a fixed amount and a note, as a shop
 * would print — a button for a new code (which revokes the old), and the packets paid to it.
 */
import type { PacketView, ReceiveCodeView } from '@red-packet/sdk';
import { h, mount, yuan } from '../dom.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { openModal } from './modal.js';
import { codeUrl, qrCanvas } from './qr-code.js';
import { toast } from './toast.js';

export function openReceiveCode(session: Session): void {
  const frame = h('div', { class: 'qr-frame' });
  const about = h('div', { class: 'muted', 'data-testid': 'receive-about' });
  const link = h('a', { class: 'qr-link', 'data-testid': 'receive-link', target: '_blank' });
  const inbox = h('ul', { class: 'claims', 'data-testid': 'received' });
  const amount = h('input', { type: 'number', min: 0.01, step: 0.01, placeholder: 'any', name: 'fixed' });
  const note = h('input', { maxlength: 64, placeholder: 'e.g. Coffee shop', name: 'note' });
  const error = h('p', { class: 'error' });

  const show = async (view: ReceiveCodeView): Promise<void> => {
    const url = codeUrl(view.path);
    mount(frame, await qrCanvas(url, 'receive-qr'));
    link.href = url;
    link.textContent = url;
    about.textContent =
      (view.amount === null ? 'Payers choose the amount' : `Fixed amount ${yuan(view.amount)}`) +
      (view.note ? ` · ${view.note}` : '') +
      ` · code #${view.version}`;
  };

  const listInbox = async (): Promise<void> => {
    const { packets } = await session.http.received();
    mount(
      inbox,
      ...(packets.length === 0 ? [h('li', { class: 'muted' }, 'Nothing waiting for you')] : []),
      ...packets.map((p) => inboxItem(session, p, () => void listInbox())),
    );
  };

  const renew = async (): Promise<void> => {
    error.textContent = '';
    try {
      const fen = amount.value ? Math.round(Number(amount.value) * 100) : undefined;
      const view = await session.http.renewReceiveCode({
        ...(fen ? { amount: fen } : {}),
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      });
      await show(view);
      toast('New receive code — the old one no longer works');
    } catch (err) {
      error.textContent = describeError(err);
    }
  };

  openModal(
    h(
      'div',
      { class: 'qr-view' },
      h('h2', {}, 'My receive code 收款码'),
      frame,
      about,
      link,
      h(
        'details',
        {},
        h('summary', {}, 'New code (fixed amount, note)'),
        h('label', {}, 'Fixed amount (¥)', amount),
        h('label', {}, 'Note', note),
        h(
          'button',
          { class: 'primary', 'data-testid': 'receive-renew', onclick: () => void renew() },
          'Issue new code',
        ),
      ),
      h('h3', {}, 'Paid to you'),
      inbox,
      error,
    ),
    'receive-code',
  );
  session.http.receiveCode().then(show, (err: unknown) => {
    error.textContent = describeError(err);
  });
  listInbox().catch((err: unknown) => {
    error.textContent = describeError(err);
  });
}

/** One unopened packet paid to the user's receive code, with its Open button. */
export function inboxItem(session: Session, p: PacketView, onOpened: () => void): HTMLElement {
  const button = h('button', { class: 'primary', 'data-testid': 'open-received' }, `Open ${yuan(p.total)}`);
  button.addEventListener('click', () => {
    button.disabled = true;
    session.client.openPacket(p.id).then(
      ({ amount }) => {
        toast(`${yuan(amount)} from ${p.senderName} is in your wallet`);
        onOpened();
      },
      (err: unknown) => {
        button.disabled = false;
        toast(describeError(err), 'error');
      },
    );
  });
  return h('li', {}, '🧧 ', h('b', {}, p.senderName), ' ', p.greeting, ' ', button);
}
