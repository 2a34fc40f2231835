/** Pick a name (and role) and a room; in dev mode the server hands out a token. */
import { h } from '../dom.js';
import { describeError } from '../messages.js';
import type { PageRole } from '../api.js';

export function loginView(
  onSignIn: (name: string, role: PageRole, roomId: string) => Promise<void>,
): HTMLElement {
  const name = h('input', {
    name: 'name',
    placeholder: 'Your name',
    maxlength: 32,
    required: true,
    'data-testid': 'name',
  });
  const role = h(
    'select',
    { name: 'role', 'data-testid': 'role' },
    h('option', { value: 'user' }, 'Player'),
    h('option', { value: 'host' }, 'Host (runs rains)'),
    h('option', { value: 'admin' }, 'Admin (risk control)'),
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
    h('h1', {}, '🧧 Red Packet Rain'),
    h('p', { class: 'muted' }, 'Grab red packets with friends. Hosts make it rain.'),
    h('label', {}, 'Name', name),
    h('label', {}, 'Play as', role),
    h('label', {}, 'Room', room),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'join' }, 'Join'),
    error,
  );
  return form;
}
