/** Pick a name (and role) and a room; in dev mode the server hands out a token. */
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { describeError } from '../messages.js';
import type { PageRole } from '../api.js';
import { languageSwitch } from './language-switch.js';

export function loginView(
  onSignIn: (name: string, role: PageRole, roomId: string) => Promise<void>,
): HTMLElement {
  const name = h('input', {
    name: 'name',
    placeholder: t('login.namePlaceholder'),
    maxlength: 32,
    required: true,
    'data-testid': 'name',
  });
  const role = h(
    'select',
    { name: 'role', 'data-testid': 'role' },
    h('option', { value: 'user' }, t('login.player')),
    h('option', { value: 'host' }, t('login.host')),
    h('option', { value: 'admin' }, t('login.admin')),
  );
  const room = h('input', {
    name: 'room',
    value: location.hash.slice(1) || 'lobby',
    maxlength: 64,
    'data-testid': 'room',
  });
  const error = h('p', { class: 'error' });
  const form = h(
    'form',
    {
      class: 'card login',
      onsubmit: (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        onSignIn(name.value.trim(), role.value as PageRole, room.value.trim() || 'lobby').catch(
          (err: unknown) => {
            error.textContent = describeError(err);
          },
        );
      },
    },
    languageSwitch(),
    h('h1', {}, t('app.title')),
    h('p', { class: 'muted' }, t('app.tagline')),
    h('label', {}, t('login.name'), name),
    h('label', {}, t('login.playAs'), role),
    h('label', {}, t('login.room'), room),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'join' }, t('login.join')),
    error,
  );
  return form;
}
