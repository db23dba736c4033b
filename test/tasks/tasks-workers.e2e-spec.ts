import { bullmqPrefix, TASK_QUEUE, verifyWebhookSignature, type TaskView } from '@app/tasks';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatInput, waitUntil, type TaskClient } from './support/task-client';
import { testRedisUrl } from '../support/services';
import { pidOf, startTestbed, type Testbed } from './support/task-testbed';
import { parseTaskEvents } from './support/task-events';

interface TaskRow {
  id: string;
  status: string;
  attempts: number;
  worker_id: string | null;
}

describe('tasks: api + two worker processes', () => {
  let bed: Testbed;
  let alice: TaskClient;
  let bob: TaskClient;

  beforeAll(async () => {
    bed = await startTestbed(2);
    [alice, bob] = await Promise.all([bed.newUser('alice'), bed.newUser('bob')]);
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => bed.fake.reset());

  const rowsOf = async (ids: string[]): Promise<TaskRow[]> =>
    (
      await bed.db.query<TaskRow>('SELECT id, status, attempts, worker_id FROM tasks WHERE id = ANY($1)', [
        ids,
      ])
    ).rows;

  it('runs 200 tasks exactly once each, spread over both workers', async () => {
    const started = Date.now();
    const prompts = Array.from({ length: 200 }, (_, i) => `bulk-${i}`);
    const ids: string[] = [];
    for (let i = 0; i < prompts.length; i += 25) {
      const batch = prompts.slice(i, i + 25);
      ids.push(
        ...(await Promise.all(
          batch.map(async (p) => (await alice.createOk({ type: 'chat', input: chatInput(p) })).id),
        )),
      );
    }
    await waitUntil(
      async () => (await rowsOf(ids)).every((row) => row.status === 'succeeded'),
      60_000,
      '200 tasks to succeed',
      100,
    );
    const elapsedMs = Date.now() - started;

    const rows = await rowsOf(ids);
    expect(rows.filter((row) => row.attempts !== 1)).toEqual([]);
    for (const prompt of prompts) expect(bed.callsFor(prompt)).toHaveLength(1);
    const perWorker = new Map<number | undefined, number>();
    for (const row of rows)
      perWorker.set(pidOf(row.worker_id), (perWorker.get(pidOf(row.worker_id)) ?? 0) + 1);
    const pids = bed.workers.map((w) => w.child.pid);
    expect([...perWorker.keys()].sort()).toEqual([...pids].sort());
    for (const count of perWorker.values()) expect(count).toBeGreaterThan(20);
    console.log(`200 tasks in ${elapsedMs} ms, split ${[...perWorker.values()].join('/')}`);

    const sample = await alice.get(ids[7]);
    expect(sample.body.result).toMatchObject({
      response: { choices: [{ message: { content: 'echo: bulk-7' } }] },
    });
  }, 60_000);

  it('lists only the caller’s own tasks, paginated and filtered; another user’s task is 404', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await alice.list(`?status=succeeded&limit=70${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      for (const task of page.body.data) {
        expect(task.status).toBe('succeeded');
        expect(task).not.toHaveProperty('result');
        seen.add(task.id);
      }
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(200);
    expect(pages).toBe(3);

    expect((await bob.list('')).body.data).toEqual([]);
    const [someId] = seen;
    expect((await bob.get(someId)).status).toBe(404);
    expect((await bob.cancel(someId)).status).toBe(404);
    expect((await alice.list('?status=bogus')).status).toBe(400);
  });

  it('Idempotency-Key: the same request returns the same task, a different one is a 409', async () => {
    const body = { type: 'chat', input: chatInput('idempotent') };
    const headers = { 'idempotency-key': 'order-42' };
    const replies = await Promise.all([1, 2, 3, 4].map(() => alice.create(body, headers)));
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const again = await alice.create({ input: chatInput('idempotent'), type: 'chat' }, headers);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(replies[0].body.id);

    const conflict = await alice.create({ type: 'chat', input: chatInput('something else') }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    // Keys are per user.
    const bobs = await bob.create(body, headers);
    expect(bobs.status).toBe(201);
    expect(bobs.body.id).not.toBe(again.body.id);

    await alice.waitForStatus(again.body.id, ['succeeded']);
    await bob.waitForStatus(bobs.body.id, ['succeeded']);
    expect(bed.callsFor('idempotent')).toHaveLength(2);
  });

  it('rejects invalid input with every problem listed', async () => {
    const res = await alice.create({
      type: 'batch',
      input: { requests: [{ model: '', messages: [] }, chatInput('ok')], concurrency: 99, extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    const details = (res.body as unknown as { error: { details: string[] } }).error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        'extra is not allowed',
        'requests[0].model must be a non-empty string',
        'requests[0].messages must be an array of 1 to 1000 messages',
        'concurrency must be an integer between 1 and 8',
      ]),
    );
    expect((await alice.create({ type: 'nope', input: {} })).status).toBe(400);
  });

  it('retries a retryable failure with backoff, and fails a poison task at once with the reason', async () => {
    bed.fake.enqueue('openai', { kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const flaky = await alice.createOk({ type: 'chat', input: chatInput('flaky') });
    const recovered = await alice.waitForStatus(flaky.id, ['succeeded', 'failed']);
    expect(recovered).toMatchObject({ status: 'succeeded', attempts: 3, error: null });
    expect(bed.callsFor('flaky')).toHaveLength(3);

    const poison = await alice.createOk({ type: 'chat', input: chatInput('poison', 'no-such-model') });
    const failed = await alice.waitForStatus(poison.id, ['succeeded', 'failed']);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'model_not_found' } });
  }, 20_000);

  it('runs batch (partial failures kept) and chain (each step sees the previous answer) tasks', async () => {
    bed.fake.setDefault('openai', { kind: 'ok' });
    const batch = await alice.createOk({
      type: 'batch',
      input: {
        requests: [chatInput('b-1'), chatInput('b-2', 'no-such-model'), chatInput('b-3')],
        concurrency: 2,
      },
    });
    const batchDone = await alice.waitForStatus(batch.id, ['succeeded', 'failed']);
    expect(batchDone).toMatchObject({ status: 'succeeded', progress: { done: 3, total: 3 } });
    expect(batchDone.result).toMatchObject({
      succeeded: 2,
      failed: 1,
      items: [
        { index: 0, status: 'succeeded', response: { choices: [{ message: { content: 'echo: b-1' } }] } },
        { index: 1, status: 'failed', error: { code: 'model_not_found' } },
        { index: 2, status: 'succeeded' },
      ],
    });

    const chain = await alice.createOk({
      type: 'chain',
      input: {
        model: 'test-model',
        steps: [{ prompt: 'first' }, { prompt: 'then: {{previous}}' }, { prompt: 'last: {{ previous }}' }],
      },
    });
    const chainDone = await alice.waitForStatus(chain.id, ['succeeded', 'failed']);
    expect(chainDone.result).toMatchObject({
      output: 'echo: last: echo: then: echo: first',
      steps: [
        { prompt: 'first' },
        { prompt: 'then: echo: first' },
        { prompt: 'last: echo: then: echo: first' },
      ],
    });
  });

  it('cancels a queued task: it never starts', async () => {
    const slots = 2 * 4;
    bed.fake.enqueue(
      'openai',
      ...Array.from({ length: slots }, () => ({ kind: 'delay' as const, ms: 2_000 })),
    );
    const blockers = await Promise.all(
      Array.from({ length: slots }, (_, i) =>
        alice.createOk({ type: 'chat', input: chatInput(`blocker-${i}`) }),
      ),
    );
    await bed.fake.waitForCall('openai', slots, 5_000);
    const queued = await alice.createOk({ type: 'chat', input: chatInput('never-run') });
    const cancelled = await alice.cancel(queued.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect((await alice.cancel(queued.id)).body).toMatchObject({ status: 'cancelled' });

    await Promise.all(blockers.map((b) => alice.waitForStatus(b.id, ['succeeded'])));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bed.callsFor('never-run')).toHaveLength(0);
    expect((await alice.get(queued.id)).body).toMatchObject({
      status: 'cancelled',
      attempts: 0,
      startedAt: null,
    });
    expect((await alice.cancel(blockers[0].id)).status).toBe(409);
  }, 20_000);

  it('cancels a running task: the upstream call is aborted within seconds', async () => {
    bed.fake.enqueue('openai', { kind: 'delay', ms: 30_000 });
    const task = await alice.createOk({ type: 'chat', input: chatInput('long-running') });
    await alice.waitForStatus(task.id, ['running']);
    const call = await waitUntil(() => bed.callsFor('long-running')[0], 5_000, 'the upstream call');
    const started = Date.now();
    expect((await alice.cancel(task.id)).body).toMatchObject({ status: 'cancelled' });
    await bed.fake.waitForAbort(call, 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await alice.get(task.id)).body).toMatchObject({ status: 'cancelled', result: null });
  }, 20_000);

  it('streams progress as server-sent events until the task is done', async () => {
    bed.fake.enqueue('openai', ...[1, 2, 3].map(() => ({ kind: 'delay' as const, ms: 250 })));
    const task = await alice.createOk({
      type: 'batch',
      input: { requests: [chatInput('s-1'), chatInput('s-2'), chatInput('s-3')], concurrency: 1 },
    });
    const res = await fetch(`${bed.api.url}/tasks/${task.id}/events`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseTaskEvents(await res.text());
    expect(events[0].event).toBe('task');
    const progress = events
      .filter((e) => e.event === 'progress')
      .map((e) => (e.data as TaskView).progress.done);
    expect(progress).toEqual(expect.arrayContaining([1, 2]));
    const last = events.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data).toMatchObject({ id: task.id, status: 'succeeded', result: { succeeded: 3 } });

    const missing = await fetch(`${bed.api.url}/tasks/${task.id}/events`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect(missing.status).toBe(404);
  }, 20_000);

  it('POSTs the finished task to the webhook with a verifiable signature, retrying until accepted', async () => {
    const receiver = await startReceiver([500, 200]);
    try {
      const task = await alice.createOk({
        type: 'chat',
        input: chatInput('hooked'),
        webhookUrl: receiver.url,
      });
      expect(task.webhookSecret).toMatch(/^whsec_/);
      const delivery = await waitUntil(
        () => receiver.received.find((r) => r.status === 200),
        10_000,
        'delivery',
      );
      expect(receiver.received).toHaveLength(2);
      expect(verifyWebhookSignature(task.webhookSecret!, delivery.body, delivery.signature)).toBe(true);
      expect(verifyWebhookSignature('whsec_wrong', delivery.body, delivery.signature)).toBe(false);
      expect(JSON.parse(delivery.body)).toMatchObject({
        event: 'task.finished',
        task: { id: task.id, status: 'succeeded', result: { response: { choices: [{}] } } },
      });
      expect(delivery.headers['x-gateway-delivery']).toBe(task.id);
      await waitUntil(
        async () => (await alice.get(task.id)).body.webhook?.status === 'delivered',
        5_000,
        'delivered',
      );
      expect((await alice.get(task.id)).body.webhook).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      await receiver.close();
    }

    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/hook',
      'http://[::1]:9/x',
    ]) {
      const refused = await alice.create({ type: 'chat', input: chatInput('x'), webhookUrl: url });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 'webhook_url_refused' } });
    }
  }, 20_000);

  it('enqueues a task whose row was written but whose job never was (crash between the two)', async () => {
    const { rows } = await bed.db.query<{ id: string }>(
      `INSERT INTO tasks (owner_id, requested_by, type, input, request_hash, updated_at)
       SELECT owner_id, requested_by, 'chat', $1, 'x', now() - interval '1 minute' FROM tasks LIMIT 1
       RETURNING id`,
      [JSON.stringify(chatInput('orphan'))],
    );
    const done = await alice.waitForStatus(rows[0].id, ['succeeded', 'failed'], 10_000);
    expect(done.status).toBe('succeeded');
    expect(bed.callsFor('orphan')).toHaveLength(1);
  }, 20_000);

  it('a duplicate delivery of a finished task’s job has no effect', async () => {
    const task = await alice.createOk({ type: 'chat', input: chatInput('delivered-once') });
    await alice.waitForStatus(task.id, ['succeeded']);
    const before = (await alice.get(task.id)).body;
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue(TASK_QUEUE, { connection, prefix: bullmqPrefix(bed.keyPrefix) });
    try {
      const duplicate = await queue.add(TASK_QUEUE, { taskId: task.id }, { jobId: `again-${task.id}` });
      await waitUntil(
        async () => (await duplicate.getState()) === 'completed',
        5_000,
        'the duplicate job to run',
      );
    } finally {
      await queue.close();
      await connection.quit();
    }
    expect(bed.callsFor('delivered-once')).toHaveLength(1);
    expect((await alice.get(task.id)).body).toEqual(before);
  });

  it('tasks whose jobs Redis lost (restart without persistence) are enqueued again and run once', async () => {
    for (const worker of bed.workers) worker.child.kill('SIGSTOP');
    let ids: string[];
    try {
      ids = await Promise.all(
        [1, 2, 3].map(
          async (i) => (await alice.createOk({ type: 'chat', input: chatInput(`lost-${i}`) })).id,
        ),
      );
      const redis = new Redis(testRedisUrl());
      const keys = await redis.keys(`${bullmqPrefix(bed.keyPrefix)}:${TASK_QUEUE}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      await redis.quit();
    } finally {
      for (const worker of bed.workers) worker.child.kill('SIGCONT');
    }
    for (const id of ids) {
      expect(await alice.waitForStatus(id, ['succeeded', 'failed'], 15_000)).toMatchObject({
        status: 'succeeded',
        attempts: 1,
      });
    }
    for (const i of [1, 2, 3]) expect(bed.callsFor(`lost-${i}`)).toHaveLength(1);
  }, 20_000);

  it('a worker killed mid-task (SIGKILL) loses nothing: another worker finishes it, once', async () => {
    bed.fake.enqueue('openai', { kind: 'delay', ms: 20_000 });
    const task = await alice.createOk({ type: 'chat', input: chatInput('survivor') });
    const call = await waitUntil(() => bed.callsFor('survivor')[0], 5_000, 'the first upstream call');
    const [row] = await rowsOf([task.id]);
    const victim = bed.workers.find((w) => w.child.pid === pidOf(row.worker_id))!;
    const survivor = bed.workers.find((w) => w !== victim)!;
    victim.child.kill('SIGKILL');
    await victim.exited();
    await bed.fake.waitForAbort(call, 2_000);

    const done = await alice.waitForStatus(task.id, ['succeeded', 'failed'], 15_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [after] = await rowsOf([task.id]);
    expect(pidOf(after.worker_id)).toBe(survivor.child.pid);
    expect(bed.callsFor('survivor')).toHaveLength(2);
    bed.workers.splice(bed.workers.indexOf(victim), 1);
  }, 20_000);

  it('SIGTERM: the worker finishes short runs, hands long ones back, and exits 0', async () => {
    const replacement = await bed.spawnWorker();
    const [first] = bed.workers;
    // Both tasks land on `first`: the replacement is frozen until they run.
    replacement.child.kill('SIGSTOP');
    try {
      bed.fake.enqueue('openai', { kind: 'delay', ms: 20_000 }, { kind: 'delay', ms: 1_000 });
      const long = await alice.createOk({ type: 'chat', input: chatInput('handed-back') });
      await waitUntil(() => bed.callsFor('handed-back')[0], 5_000, 'the long call');
      const short = await alice.createOk({ type: 'chat', input: chatInput('finished-in-drain') });
      await waitUntil(() => bed.callsFor('finished-in-drain')[0], 5_000, 'the short call');
      replacement.child.kill('SIGCONT');
      first.child.kill('SIGTERM');
      expect(await first.exited(10_000)).toEqual({ code: 0, signal: null });
      expect(first.output()).toMatch(/handing them back/);

      const shortRow = (await rowsOf([short.id]))[0];
      expect(shortRow).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(pidOf(shortRow.worker_id)).toBe(first.child.pid);
      const done = await alice.waitForStatus(long.id, ['succeeded', 'failed'], 10_000);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(pidOf((await rowsOf([long.id]))[0].worker_id)).toBe(replacement.child.pid);
      bed.workers.splice(bed.workers.indexOf(first), 1);
    } finally {
      replacement.child.kill('SIGCONT');
    }
  }, 30_000);

  it('results survive an api restart', async () => {
    const before = (await alice.list('?status=succeeded&limit=5')).body.data;
    await bed.restartApi();
    for (const task of before) {
      const { status, body } = await alice.get(task.id);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: task.id, status: 'succeeded', finishedAt: task.finishedAt });
      expect(body.result).toBeTruthy();
    }
  });
});

interface Received {
  status: number;
  body: string;
  signature: string;
  headers: IncomingMessage['headers'];
}

/** A loopback webhook receiver answering the given statuses in turn (then 200). */
async function startReceiver(
  statuses: number[],
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = statuses[received.length] ?? 200;
      received.push({
        status,
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['x-gateway-signature']),
        headers: req.headers,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tasks?source=test`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
