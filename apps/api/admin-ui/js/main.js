import { renderAccess, wireAccessForms } from './access.js';
import { ApiError, get, login, logout, session } from './api.js';
import { charts, renderTraffic, wireTrafficForm } from './charts.js';
import { $ } from './dom.js';
import { renderProviders } from './providers.js';
import { renderTasks } from './tasks.js';

const VIEWS = {
  providers: { render: renderProviders, liveMs: 5_000 },
  traffic: { render: renderTraffic, liveMs: 60_000 },
  tasks: { render: renderTasks, liveMs: 5_000 },
  access: { render: renderAccess, liveMs: 0 },
};
const PANELS = ['login-view', 'forbidden-view', ...Object.keys(VIEWS).map((v) => `${v}-view`)];

/** For the browser test: the Chart instances and which views have finished drawing (and how often). */
const dashboard = { charts, renders: {}, view: null, lastError: null };
window.__dashboard = dashboard;

let timer;

function show(panel) {
  for (const id of PANELS) $(`#${id}`).hidden = id !== panel;
}

function banner(message) {
  const node = $('#banner');
  node.textContent = message ?? '';
  node.hidden = !message;
}

function report(error) {
  dashboard.lastError = String(error?.message ?? error);
  if (error instanceof ApiError && error.status === 401)
    return showLogin('Your session ended: sign in again.');
  if (error instanceof ApiError && error.status === 403) return showForbidden();
  banner(`Something went wrong: ${dashboard.lastError}`);
}

function showLogin(message) {
  clearTimeout(timer);
  $('#nav').hidden = true;
  $('#who').hidden = true;
  show('login-view');
  const error = $('#login-error');
  error.textContent = message ?? '';
  error.hidden = !message;
}

function showForbidden() {
  clearTimeout(timer);
  $('#nav').hidden = true;
  show('forbidden-view');
}

async function renderView(name) {
  const view = VIEWS[name];
  clearTimeout(timer);
  try {
    await view.render();
    dashboard.renders[name] = (dashboard.renders[name] ?? 0) + 1;
    banner(null);
  } catch (error) {
    report(error);
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
  }
  if (view.liveMs && dashboard.view === name) timer = setTimeout(() => renderView(name), view.liveMs);
}

function route() {
  const name = location.hash.slice(1) in VIEWS ? location.hash.slice(1) : 'providers';
  dashboard.view = name;
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.dataset.view === name);
  }
  show(`${name}-view`);
  return renderView(name);
}

async function start() {
  const current = session();
  if (!current) return showLogin();
  let me;
  try {
    me = await get('/auth/me');
  } catch (error) {
    return report(error);
  }
  $('#who-email').textContent = current.email ?? me.userId;
  $('#who').hidden = false;
  if (me.role !== 'admin') return showForbidden();
  $('#nav').hidden = false;
  await route();
}

$('#login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('#login-submit');
  button.disabled = true;
  try {
    await login($('#login-email').value.trim(), $('#login-password').value);
    $('#login-password').value = '';
    await start();
  } catch (error) {
    showLogin(
      error instanceof ApiError && error.status === 401 ? 'Wrong email or password.' : String(error.message),
    );
  } finally {
    button.disabled = false;
  }
});

for (const id of ['#logout', '#forbidden-logout']) {
  $(id).addEventListener('click', async () => {
    await logout();
    showLogin();
  });
}

window.addEventListener('hashchange', () => {
  if (!$('#nav').hidden) void route();
});

wireTrafficForm(() => renderView('traffic'));
wireAccessForms(report);
void start();
