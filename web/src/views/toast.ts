import { h } from '../dom.js';

/** A short message at the top of the screen. */
export function toast(text: string, kind: 'info' | 'error' | 'win' = 'info'): void {
  const host = document.getElementById('toasts') ?? document.body.appendChild(h('div', { id: 'toasts' }));
  const el = h('div', { class: `toast ${kind}`, 'data-testid': 'toast' }, text);
  host.append(el);
  setTimeout(() => el.remove(), 2_500);
}
