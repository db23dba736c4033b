import type { UsageReport } from '@app/analytics';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  BOOTSTRAP_ADMIN,
  eventually,
  startAnalyticsTestbed,
  type AnalyticsTestbed,
} from '../analytics/support/analytics-testbed';
import { bearer } from '../support/auth';
import { call, waitUntil } from '../tasks/support/task-client';

// The README's screenshots are rewritten only on request (UPDATE_SCREENSHOTS=1), so a test run leaves the
// working tree as it found it.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(__dirname, '..', '..', 'docs', 'screenshots')
  : mkdtempSync(join(tmpdir(), 'mpb-screenshots-'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const USER = { email: 'dash-user@example.com', password: 'dash-user-pass-0' };
const STATES = ['healthy', 'degraded', 'down', 'cooling'];

interface DashboardWindow {
  __dashboard: {
    renders: Record<string, number>;
    lastError: string | null;
    charts: Record<string, { data: { datasets: { data: (number | null)[] }[] } }>;
  };
}

/** Points drawn per chart: non-null, non-zero values over all datasets. */
function chartPoints(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const { charts } = (window as unknown as DashboardWindow).__dashboard;
    return Object.fromEntries(
      Object.entries(charts).map(([id, chart]) => [
        id,
        chart.data.datasets.reduce((n, ds) => n + ds.data.filter((v) => v !== null && v !== 0).length, 0),
      ]),
    );
  });
}

async function waitForRender(page: Page, view: string, after = 0): Promise<void> {
  try {
    await page.waitForFunction(
      ([v, n]) =>
        ((window as unknown as DashboardWindow).__dashboard.renders[v as string] ?? 0) > (n as number),
      [view, after] as const,
      { timeout: 10_000 },
    );
  } catch (error) {
    const seen = await page.evaluate(() => {
      const { renders, lastError } = (window as unknown as DashboardWindow).__dashboard;
      return { renders, lastError, banner: document.querySelector('#banner')?.textContent };
    });
    throw new Error(`${view} did not render: ${JSON.stringify(seen)}; ${(error as Error).message}`);
  }
}

describe('admin dashboard in a real browser', () => {
  let bed: AnalyticsTestbed;
  let browser: Browser;
  let adminToken: string;
  let victimKeyId: string;
  const problems: string[] = [];

  const api = <T>(method: string, path: string, token: string, body?: unknown) =>
    call<T>(bed.api.url, method, path, { token, body });

  beforeAll(async () => {
    [bed, browser] = await Promise.all([
      startAnalyticsTestbed(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    mkdirSync(SCREENSHOTS, { recursive: true });

    // Seed: the bootstrap admin, one ordinary user, an API key each, chat traffic on every deployment
    // (one fallback), a succeeded and a failed task.
    const signIn = await call<{ accessToken: string }>(bed.api.url, 'POST', '/auth/token', {
      body: BOOTSTRAP_ADMIN,
    });
    expect(signIn.status).toBe(200);
    adminToken = signIn.body.accessToken;
    const user = await api<{ id: string }>('POST', '/users', adminToken, { ...USER, role: 'user' });
    expect(user.status).toBe(201);
    const adminKey = await api<{ id: string; key: string }>('POST', '/api-keys', adminToken, {
      name: 'dashboard seed',
      scopes: ['chat', 'tasks'],
    });
    const victim = await api<{ id: string; key: string }>('POST', '/api-keys', adminToken, {
      name: 'key to revoke',
      scopes: ['chat', 'tasks'],
      userId: user.body.id,
    });
    expect([adminKey.status, victim.status]).toEqual([201, 201]);
    victimKeyId = victim.body.id;

    const chat = async (key: string, model: string) => {
      const res = await bed.chat(key, { model, messages: [{ role: 'user', content: `hello ${model}` }] });
      expect({ model, status: res.status }).toEqual({ model, status: 200 });
    };
    for (const model of ['gpt-4o-mini', 'gpt-4o-mini', 'claude-sonnet']) await chat(adminKey.body.key, model);
    for (const model of ['gpt-4o-mini', 'claude-sonnet']) await chat(victim.body.key, model);
    bed.fake.enqueue('openai', { kind: 'status', status: 500 });
    await chat(adminKey.body.key, 'gpt-4o'); // openai-main fails, azure-west serves it

    const input = (content: string) => ({ model: 'claude-sonnet', messages: [{ role: 'user', content }] });
    const ok = await api<{ id: string }>('POST', '/tasks', adminKey.body.key, {
      type: 'chat',
      input: input('ok'),
    });
    await waitUntil(
      async () =>
        (await api<{ status: string }>('GET', `/tasks/${ok.body.id}`, adminKey.body.key)).body.status ===
        'succeeded',
      15_000,
      'the seeded task to succeed',
    );
    bed.fake.enqueue('anthropic', { kind: 'status', status: 400, message: 'prompt refused by vendor' });
    const bad = await api<{ id: string }>('POST', '/tasks', adminKey.body.key, {
      type: 'chat',
      input: input('bad'),
    });
    await waitUntil(
      async () =>
        (await api<{ status: string }>('GET', `/tasks/${bad.body.id}`, adminKey.body.key)).body.status ===
        'failed',
      15_000,
      'the seeded task to fail',
    );

    await eventually(
      () => bed.admin<UsageReport>('/analytics/usage'),
      (report) => report.totals.requests >= 8,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.close();
    if (!process.env.UPDATE_SCREENSHOTS) rmSync(SCREENSHOTS, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return page;
  }

  it('serves the pages publicly with strict security headers and keeps its API admin-only', async () => {
    const res = await fetch(`${bed.api.url}/admin/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<script[^>]*>[^<]+<\/script>/); // no inline scripts
    expect(html).not.toContain(BOOTSTRAP_ADMIN.password);
    const chartJs = await fetch(`${bed.api.url}/admin/vendor/chart.umd.min.js`);
    expect(chartJs.status).toBe(200);
    expect(chartJs.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${bed.api.url}/admin/api/queues`)).status).toBe(401);
    const userSignIn = await call<{ accessToken: string }>(bed.api.url, 'POST', '/auth/token', {
      body: USER,
    });
    const asUser = await fetch(`${bed.api.url}/admin/api/queues`, {
      headers: bearer(userSignIn.body.accessToken),
    });
    expect(asUser.status).toBe(403);
  });

  it('logs an admin in and shows providers, charts with the seeded data, and the task queues', async () => {
    const page = await openPage();
    await page.goto(`${bed.api.url}/admin`);
    await page.fill('#login-email', BOOTSTRAP_ADMIN.email);
    await page.fill('#login-password', BOOTSTRAP_ADMIN.password);
    await page.click('#login-submit');

    // provider health board: one card per deployment, each with a known state
    await page.waitForSelector('.deployment[data-deployment="anthropic-main"]', { timeout: 10_000 });
    const cards = await page.$$eval('.deployment', (nodes) =>
      nodes.map((n) => ({
        id: (n as HTMLElement).dataset.deployment,
        state: (n as HTMLElement).dataset.state,
      })),
    );
    expect(cards.map((c) => c.id).sort()).toEqual(['anthropic-main', 'azure-west', 'openai-main']);
    for (const card of cards) expect(STATES).toContain(card.state);
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-providers.png') });

    // traffic and cost: every chart drew data points from the seeded run
    await page.click('a[data-view="traffic"]');
    await waitForRender(page, 'traffic');
    const points = await chartPoints(page);
    expect(points).toEqual({
      requests: expect.any(Number),
      tokens: expect.any(Number),
      cost: expect.any(Number),
      latency: expect.any(Number),
      fallback: expect.any(Number),
    });
    for (const id of ['requests', 'tokens', 'cost', 'latency'])
      expect({ id, points: points[id] > 0 }).toEqual({ id, points: true });
    expect(await page.locator('canvas#chart-requests').isVisible()).toBe(true);
    expect(await page.textContent('#totals')).toContain('requests');
    await page.selectOption('#group-by', 'user');
    await waitForRender(page, 'traffic', 1);
    expect(
      await page.evaluate(
        () => (window as unknown as DashboardWindow).__dashboard.charts.requests.data.datasets.length,
      ),
    ).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-traffic.png') });

    // tasks and queues: counts by state and the failure with its reason
    await page.click('a[data-view="tasks"]');
    await waitForRender(page, 'tasks');
    expect(await page.textContent('#task-status')).toMatch(/1\s*failed/);
    expect(await page.locator('#queue-table tr[data-queue="tasks"]').count()).toBe(1);
    expect(await page.textContent('#failure-table tbody')).toContain('prompt refused by vendor');
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-tasks.png') });

    // users and API keys: revoke one key through the UI
    await page.click('a[data-view="access"]');
    await waitForRender(page, 'access');
    expect(await page.textContent('#user-table')).toContain(USER.email);
    const row = page.locator(`#key-table tr[data-key="${victimKeyId}"]`);
    await row.locator('button.revoke').click();
    await page.waitForSelector(`#key-table tr.revoked[data-key="${victimKeyId}"]`, { timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'admin-access.png') });
    const keys = await api<{ id: string; revokedAt: string | null }[]>('GET', '/api-keys', adminToken);
    expect(keys.body.find((k) => k.id === victimKeyId)?.revokedAt).toEqual(expect.any(String));
    const others = keys.body.filter((k) => k.id !== victimKeyId);
    expect(others.every((k) => k.revokedAt === null)).toBe(true);

    expect(
      await page.evaluate(() => (window as unknown as DashboardWindow).__dashboard.lastError),
    ).toBeNull();
    await page.close();
    expect(problems).toEqual([]);
  });

  it('tells a signed-in non-admin that the dashboard is for admins only', async () => {
    const page = await openPage();
    await page.goto(`${bed.api.url}/admin/`);
    await page.fill('#login-email', USER.email);
    await page.fill('#login-password', USER.password);
    await page.click('#login-submit');
    await page.waitForSelector('#forbidden-view:not([hidden])', { timeout: 10_000 });
    expect(await page.textContent('#forbidden-view h2')).toBe('Admins only');
    expect(await page.isVisible('#nav')).toBe(false);
    await page.close();
    expect(problems).toEqual([]);
  });
});
