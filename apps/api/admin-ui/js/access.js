import { api, get } from './api.js';
import { $, el, fmt } from './dom.js';

/** userId → email, for the key table, the owner picker and the per-user charts. */
export const userEmails = new Map();

export async function loadUsers() {
  const page = await get('/users?limit=200');
  userEmails.clear();
  for (const user of page.items) userEmails.set(user.id, user.email);
  return page.items;
}

function userRow(user, onChange) {
  return el(
    'tr',
    { dataset: { user: user.id } },
    el('td', {}, user.email),
    el('td', {}, user.role),
    el('td', {}, user.disabled ? 'disabled' : 'active'),
    el('td', {}, fmt.time(user.createdAt)),
    el(
      'td',
      {},
      el(
        'button',
        {
          type: 'button',
          class: user.disabled ? 'secondary' : 'danger',
          onclick: async () => {
            await api('PATCH', `/users/${user.id}`, { disabled: !user.disabled });
            await onChange();
          },
        },
        user.disabled ? 'Enable' : 'Disable',
      ),
    ),
  );
}

function keyRow(key, onChange) {
  const revoked = key.revokedAt !== null;
  return el(
    'tr',
    { class: revoked ? 'revoked' : undefined, dataset: { key: key.id, name: key.name } },
    el('td', {}, key.name),
    el('td', {}, el('code', {}, `mpb_${key.prefix}_…`)),
    el('td', {}, userEmails.get(key.userId) ?? key.userId),
    el('td', {}, key.scopes.join(', ')),
    el('td', {}, fmt.time(key.lastUsedAt)),
    el('td', { class: 'key-status' }, revoked ? `revoked ${fmt.time(key.revokedAt)}` : 'active'),
    el(
      'td',
      {},
      revoked
        ? null
        : el(
            'button',
            {
              type: 'button',
              class: 'danger revoke',
              onclick: async (event) => {
                event.currentTarget.disabled = true;
                await api('DELETE', `/api-keys/${key.id}`);
                await onChange();
              },
            },
            'Revoke',
          ),
    ),
  );
}

export async function renderAccess() {
  const users = await loadUsers();
  const keys = await get('/api-keys');
  const refresh = () => renderAccess();
  $('#user-table tbody').replaceChildren(...users.map((u) => userRow(u, refresh)));
  $('#key-table tbody').replaceChildren(...keys.map((k) => keyRow(k, refresh)));
  const owner = $('#key-owner');
  const selected = owner.value;
  owner.replaceChildren(...users.map((u) => el('option', { value: u.id }, u.email)));
  if (selected) owner.value = selected;
}

export function wireAccessForms(report) {
  $('#user-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    try {
      await api('POST', '/users', {
        email: data.get('email'),
        password: data.get('password'),
        role: data.get('role'),
      });
      form.reset();
      await renderAccess();
    } catch (error) {
      report(error);
    }
  });
  $('#key-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    try {
      const created = await api('POST', '/api-keys', {
        name: data.get('name'),
        userId: data.get('userId') || undefined,
        scopes: data.getAll('scopes'),
      });
      $('#new-key-value').textContent = created.key;
      $('#new-key').hidden = false;
      form.elements.name.value = '';
      await renderAccess();
    } catch (error) {
      report(error);
    }
  });
}
