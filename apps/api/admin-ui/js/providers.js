import { get } from './api.js';
import { $, el, fmt } from './dom.js';

function remaining(dep) {
  const parts = [];
  if (dep.limits.rpm !== null)
    parts.push(`${fmt.int(dep.remaining.requests)} / ${fmt.int(dep.limits.rpm)} req/min`);
  if (dep.limits.tpm !== null)
    parts.push(`${fmt.int(dep.remaining.tokens)} / ${fmt.int(dep.limits.tpm)} tok/min`);
  return parts.length ? parts.join(' · ') : 'unlimited';
}

function card(type, dep) {
  const h = dep.health;
  return el(
    'article',
    { class: 'deployment', dataset: { deployment: dep.id, state: h.state } },
    el('h4', {}, el('span', {}, dep.id), el('span', { class: `state ${h.state}` }, h.state)),
    el('div', { class: 'muted' }, `${type} · ${dep.models.map((m) => m.name).join(', ')}`),
    el(
      'dl',
      {},
      el('dt', {}, 'Latency p50 / p95'),
      el('dd', {}, `${fmt.ms(h.latencyP50Ms)} / ${fmt.ms(h.latencyP95Ms)}`),
      el('dt', {}, 'Error rate'),
      el('dd', {}, fmt.pct(h.errorRate)),
      el('dt', {}, 'Requests (window)'),
      el('dd', {}, fmt.int(h.requests)),
      el('dt', {}, 'In flight'),
      el('dd', {}, fmt.int(h.inFlight)),
      el('dt', {}, 'Breaker'),
      el('dd', {}, h.breaker),
      el('dt', {}, 'Remaining'),
      el('dd', { class: 'remaining' }, remaining(dep)),
      h.lastError ? el('dt', {}, 'Last error') : null,
      h.lastError ? el('dd', {}, `${h.lastError.code} (${fmt.time(h.lastError.at)})`) : null,
    ),
  );
}

/** GET /providers, drawn as one card per deployment. */
export async function renderProviders() {
  const providers = await get('/providers');
  const board = $('#provider-board');
  const cards = providers.flatMap((p) => p.deployments.map((dep) => card(p.type, dep)));
  board.replaceChildren(
    ...(cards.length ? cards : [el('p', { class: 'muted' }, 'No deployments configured.')]),
  );
  $('#providers-updated').textContent = `live · updated ${new Date().toLocaleTimeString('en-GB')}`;
  return providers;
}
