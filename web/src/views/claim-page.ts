/**
 * The pages a scanned code opens, made for a phone: `/c/<code>` claims a share of a QR packet;
 * `/r/<code>` sends a red packet to a receive code's owner. Without a session they sign in
 * first (dev mode: a name is enough).
 */
import type { ReceiveCodeInfo } from '@red-packet/sdk';
import { h, mount, yuan } from '../dom.js';
import { describeError } from '../messages.js';
import { Session } from '../session.js';

/** The code in a short page path, or null when the page is not a code page. */
export function codeFromPath(path: string): { kind: 'claim' | 'pay'; code: string } | null {
  const match = /^\/([cr])\/([A-Za-z0-9_.:~-]+)$/.exec(path);
  if (!match?.[1] || !match[2]) return null;
  return { kind: match[1] === 'c' ? 'claim' : 'pay', code: decodeURIComponent(match[2]) };
}

/** Signs in from the code page (name only), or reuses the saved session. */
async function session(app: HTMLElement, title: string): Promise<Session> {
  const saved = Session.load();
  if (saved) {
    try {
      return await Session.connect(saved);
    } catch {
      Session.forget();
    }
  }
  return new Promise((resolve) => {
    const name = h('input', {
      placeholder: 'Your name',
      maxlength: 32,
      required: true,
      'data-testid': 'name',
    });
    const error = h('p', { class: 'error' });
    mount(
      app,
      h(
        'form',
        {
          class: 'card login',
          onsubmit: (e: Event) => {
            e.preventDefault();
            Session.signIn(name.value.trim(), 'user', 'lobby').then(resolve, (err: unknown) => {
              error.textContent = describeError(err);
            });
          },
        },
        h('h1', {}, '🧧 ', title),
        h('label', {}, 'Name', name),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'join' }, 'Continue'),
        error,
      ),
    );
  });
}

function shell(s: Session, ...children: (HTMLElement | null)[]): HTMLElement {
  const balance = h('span', { class: 'balance', 'data-testid': 'balance' });
  s.onBalance((b) => {
    balance.textContent = yuan(b);
  });
  return h(
    'div',
    { class: 'code-page' },
    h('header', {}, h('span', { class: 'who' }, s.saved.name), h('span', { class: 'spacer' }), balance),
    ...children,
    h('a', { class: 'link', href: '/' }, 'Go to the rooms'),
  );
}

/** `/c/<code>`: one tap opens the red envelope. */
export async function claimPage(app: HTMLElement, code: string): Promise<void> {
  const s = await session(app, 'Someone sent you a red packet');
  const result = h('div', { class: 'result', 'data-testid': 'claim-result' });
  const envelope = h('div', { class: 'big-envelope' }, '🧧');
  const open = h('button', { class: 'primary open-btn', 'data-testid': 'claim-open' }, 'Open');
  open.addEventListener('click', () => {
    open.remove();
    envelope.classList.add('opening');
    s.client.claimCode(code).then(
      ({ amount }) => {
        envelope.classList.remove('opening');
        mount(
          result,
          h('div', { class: 'won', 'data-testid': 'claim-amount' }, yuan(amount)),
          h('div', { class: 'muted' }, 'added to your wallet'),
        );
      },
      (err: unknown) => {
        envelope.classList.remove('opening');
        mount(result, h('div', { class: 'lost' }, describeError(err)));
      },
    );
  });
  mount(app, shell(s, h('div', { class: 'envelope-open' }, envelope, open), result));
}

/** `/r/<code>`: "send a red packet to X". */
export async function payPage(app: HTMLElement, code: string): Promise<void> {
  const s = await session(app, 'Send a red packet');
  let info: ReceiveCodeInfo;
  try {
    info = await s.http.resolveReceiveCode(code);
  } catch (err) {
    mount(app, shell(s, h('div', { class: 'lost', 'data-testid': 'pay-error' }, describeError(err))));
    return;
  }
  const amount = h('input', {
    type: 'number',
    min: 0.01,
    step: 0.01,
    value: info.amount === null ? 6.66 : info.amount / 100,
    'data-testid': 'pay-amount',
  });
  if (info.amount !== null) amount.disabled = true;
  const greeting = h('input', { maxlength: 64, placeholder: '恭喜发财', 'data-testid': 'pay-greeting' });
  const result = h('div', { class: 'result', 'data-testid': 'pay-result' });
  const pay = h('button', { type: 'submit', class: 'primary', 'data-testid': 'pay-send' }, 'Send 🧧');
  const mint = h('button', { type: 'button', class: 'link', 'data-testid': 'mint' }, '+ ¥1000 test money');
  mint.addEventListener('click', () => {
    s.mintTestMoney(100_000).catch((err: unknown) =>
      mount(result, h('div', { class: 'lost' }, describeError(err))),
    );
  });
  const form = h(
    'form',
    {
      class: 'form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        pay.disabled = true;
        const fen = Math.round(Number(amount.value) * 100);
        s.http
          .payReceiveCode({
            code,
            ...(info.amount === null ? { amount: fen } : {}),
            ...(greeting.value.trim() ? { greeting: greeting.value.trim() } : {}),
          })
          .then(
            ({ packet }) => {
              mount(result, h('div', { class: 'won' }, `Sent ${yuan(packet.total)} to ${info.owner.name}`));
            },
            (err: unknown) => {
              pay.disabled = false;
              mount(result, h('div', { class: 'lost' }, describeError(err)));
            },
          );
      },
    },
    h('div', { class: 'big-envelope' }, '🧧'),
    h('h2', { 'data-testid': 'pay-to' }, `To ${info.owner.name}`),
    info.note ? h('p', { class: 'muted' }, info.note) : null,
    h('label', {}, 'Amount (¥)', amount),
    h('label', {}, 'Greeting', greeting),
    pay,
    mint,
  );
  mount(app, shell(s, form, result));
}
