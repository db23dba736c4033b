import { userEmails, loadUsers } from './access.js';
import { get } from './api.js';
import { $, el, fmt, stat } from './dom.js';

const HOUR_MS = 3_600_000;
const RANGES = {
  '24h': { span: 24 * HOUR_MS, granularity: 'hour' },
  '7d': { span: 7 * 24 * HOUR_MS, granularity: 'day' },
  '30d': { span: 30 * 24 * HOUR_MS, granularity: 'day' },
};
const UNIT_MS = { hour: HOUR_MS, day: 24 * HOUR_MS };
const PALETTE = ['#2f6fed', '#e0822d', '#1f9d55', '#9b51e0', '#d64545', '#17a2b8', '#8d6e63', '#6b7280'];

/** The live Chart instances, for the browser test (and the curious). */
export const charts = {};

function chart(id, config) {
  charts[id]?.destroy();
  const { Chart } = window;
  charts[id] = new Chart($(`#chart-${id}`), {
    ...config,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      ...config.options,
    },
  });
  return charts[id];
}

function bucketLabel(iso, granularity) {
  const d = new Date(iso);
  const day = d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short', timeZone: 'UTC' });
  return granularity === 'day' ? day : `${day} ${String(d.getUTCHours()).padStart(2, '0')}:00`;
}

function bucketsOf(fromIso, toIso, granularity) {
  const unit = UNIT_MS[granularity];
  const out = [];
  for (let t = Math.floor(Date.parse(fromIso) / unit) * unit; t < Date.parse(toIso); t += unit) {
    out.push(new Date(t).toISOString());
  }
  return out;
}

function keyLabel(key, groupBy) {
  if (key === null || key === undefined) return '(none)';
  return groupBy === 'user' ? (userEmails.get(key) ?? key.slice(0, 8)) : key;
}

function colour(i) {
  return PALETTE[i % PALETTE.length];
}

function renderUsage(report, groupBy) {
  const { totals, granularity } = report;
  $('#totals').replaceChildren(
    stat('requests', fmt.int(totals.requests)),
    stat('errors', fmt.int(totals.errors)),
    stat('cache hits', fmt.int(totals.cacheHits)),
    stat('tokens', fmt.int(totals.totalTokens)),
    stat('cost', fmt.usd(totals.costUsd)),
  );
  const buckets = bucketsOf(report.from, report.to, granularity);
  const index = new Map(buckets.map((b, i) => [b, i]));
  const groups = report.groups ?? [];
  const keys = groups.map((g) => g.key);
  const series = keys.map(() => buckets.map(() => 0));
  for (const point of report.series ?? []) {
    const k = keys.indexOf(point.key ?? null);
    const i = index.get(new Date(point.bucket).toISOString());
    if (k >= 0 && i !== undefined) series[k][i] += point.requests;
  }
  chart('requests', {
    type: 'bar',
    data: {
      labels: buckets.map((b) => bucketLabel(b, granularity)),
      datasets: keys.map((key, k) => ({
        label: keyLabel(key, groupBy),
        data: series[k],
        backgroundColor: colour(k),
        stack: 'requests',
      })),
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  const labels = groups.map((g) => keyLabel(g.key, groupBy));
  chart('tokens', {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'prompt', data: groups.map((g) => g.promptTokens), backgroundColor: colour(0) },
        { label: 'completion', data: groups.map((g) => g.completionTokens), backgroundColor: colour(1) },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
  chart('cost', {
    type: 'doughnut',
    data: {
      labels,
      datasets: [
        {
          label: 'USD',
          data: groups.map((g) => g.costUsd),
          backgroundColor: groups.map((_, i) => colour(i)),
        },
      ],
    },
    options: {
      interaction: { mode: 'nearest', intersect: true },
      plugins: {
        legend: { position: 'right', labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.label}: ${fmt.usd(ctx.parsed)}` } },
      },
    },
  });
}

let lastSeries;

function renderLatency() {
  const series = lastSeries;
  if (!series) return;
  const select = $('#latency-provider');
  const provider = select.value;
  const labels = series.buckets.map((b) => bucketLabel(b.bucket, series.granularity));
  const rowOf = (b) => b.rows.find((r) => r.provider === provider);
  chart('latency', {
    type: 'line',
    data: {
      labels,
      datasets: ['p50', 'p95', 'p99'].map((p, i) => ({
        label: p,
        data: series.buckets.map((b) => rowOf(b)?.latencyMs[p] ?? null),
        borderColor: colour(i),
        backgroundColor: colour(i),
        spanGaps: true,
        pointRadius: 3,
      })),
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
  });
}

function renderPerformance(series) {
  lastSeries = series;
  const providers = [...new Set(series.buckets.flatMap((b) => b.rows.map((r) => r.provider)))].filter(
    Boolean,
  );
  const select = $('#latency-provider');
  const previous = select.value;
  select.replaceChildren(...providers.map((p) => el('option', { value: p }, p)));
  if (providers.includes(previous)) select.value = previous;
  renderLatency();
  chart('fallback', {
    type: 'line',
    data: {
      labels: series.buckets.map((b) => bucketLabel(b.bucket, series.granularity)),
      datasets: [
        {
          label: 'fallback rate %',
          data: series.buckets.map((b) => (b.fallbackRate === null ? null : b.fallbackRate * 100)),
          borderColor: colour(4),
          backgroundColor: colour(4),
          spanGaps: true,
          pointRadius: 3,
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true, suggestedMax: 10, title: { display: true, text: '%' } } } },
  });
}

/** GET /analytics/usage and /admin/api/performance-series for the chosen range, drawn with Chart.js. */
export async function renderTraffic() {
  const range = RANGES[$('#range').value] ?? RANGES['24h'];
  const groupBy = $('#group-by').value;
  const to = new Date();
  const from = new Date(to.getTime() - range.span);
  const q = `from=${from.toISOString()}&to=${to.toISOString()}&granularity=${range.granularity}`;
  if (groupBy === 'user' && userEmails.size === 0) await loadUsers();
  const [usage, series] = await Promise.all([
    get(`/analytics/usage?${q}&groupBy=${groupBy}&limit=8`),
    get(`/admin/api/performance-series?${q}&groupBy=provider`),
  ]);
  renderUsage(usage, groupBy);
  renderPerformance(series);
  return { usage, series };
}

/** `rerender` draws the traffic view again (through the view loop, which counts renders and reports errors). */
export function wireTrafficForm(rerender) {
  $('#range-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void rerender();
  });
  for (const id of ['#range', '#group-by']) $(id).addEventListener('change', () => void rerender());
  $('#latency-provider').addEventListener('change', renderLatency);
}
