import { get } from './api.js';
import { $, el, fmt, stat } from './dom.js';

const JOB_COLUMNS = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'];

/** GET /admin/api/queues: job counts per queue, tasks by status, the latest failures and why. */
export async function renderTasks() {
  const overview = await get('/admin/api/queues');
  $('#task-status').replaceChildren(
    ...Object.entries(overview.tasksByStatus).map(([status, count]) => stat(status, fmt.int(count))),
  );
  $('#queue-table tbody').replaceChildren(
    ...overview.queues.map((q) =>
      el(
        'tr',
        { dataset: { queue: q.name } },
        el('td', {}, q.name),
        ...JOB_COLUMNS.map((c) => el('td', { class: 'num' }, fmt.int(q.counts[c]))),
      ),
    ),
  );
  const rows = overview.recentFailures.map((t) =>
    el(
      'tr',
      { dataset: { task: t.id } },
      el('td', {}, fmt.time(t.finishedAt ?? t.createdAt)),
      el('td', {}, el('code', {}, t.id)),
      el('td', {}, t.type),
      el('td', {}, el('code', {}, t.ownerId)),
      el('td', { class: 'num' }, t.attempts),
      el('td', { class: 'reason' }, t.error ? `${t.error.code}: ${t.error.message}` : '–'),
    ),
  );
  $('#failure-table tbody').replaceChildren(
    ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No failed tasks.'))]),
  );
  $('#tasks-updated').textContent = `live · updated ${new Date().toLocaleTimeString('en-GB')}`;
  return overview;
}
