import { verifyWebhookSignature } from '@app/tasks';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { parseJson, send } from './support/gateway-client';
import { isRunning } from './support/gateway-processes';
import {
  chatTaskBody,
  startScenarioBed,
  TASK_MODEL,
  waitForTasksFinished,
  type ScenarioBed,
} from './support/scenario-bed';
import { sleep, waitFor } from './support/traffic';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

/** Every `task finished` log line of every worker that ever ran, dead ones included, by task id. */
function finishedLogLines(bed: ScenarioBed, graveyard: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const output of [...graveyard, ...bed.workers.map((w) => w.output())]) {
    for (const line of output.split('\n')) {
      if (!line.includes('"msg":"task finished"')) continue;
      const taskId = /"taskId":"([0-9a-f-]{36})"/.exec(line)?.[1];
      if (taskId) counts.set(taskId, (counts.get(taskId) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Workers are SIGKILLed one after another while chat, batch and chain tasks run. Every task must finish,
 * succeed, and finish exactly once (one "task finished" across all workers, dead ones included), and have
 * its webhook delivered.
 */
describe('resilience: worker SIGKILL during tasks', () => {
  let databaseUrl: string;
  let bed: ScenarioBed;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    receiver = await WebhookReceiver.start();
    bed = await startScenarioBed({
      databaseUrl,
      redisUrl: testRedisUrl(),
      keyPrefix: uniquePrefix('worker-kill'),
      workers: 3,
    });
  });

  afterAll(async () => {
    await bed?.close();
    await receiver?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('finishes every task exactly once while two of three workers are killed mid-run', async () => {
    const user = await bed.newUser('kill');
    // Each vendor call takes 300 ms: a chat task is one call, a batch three, a chain three in a row.
    bed.fake.setDefault('anthropic', { kind: 'delay', ms: 300 });
    const message = (text: string): Record<string, unknown> => ({
      model: TASK_MODEL,
      messages: [{ role: 'user', content: text }],
    });
    const bodies = Array.from({ length: 48 }, (_, i) => {
      const webhookUrl = `${receiver.url}?n=${i}`;
      if (i % 4 === 1)
        return {
          type: 'batch',
          input: { requests: [1, 2, 3].map((k) => message(`kill-batch-${i}-${k}`)), concurrency: 1 },
          webhookUrl,
        };
      if (i % 4 === 2)
        return {
          type: 'chain',
          input: {
            model: TASK_MODEL,
            steps: [1, 2, 3].map((k) => ({ prompt: `kill-chain-${i}-${k} {{previous}}` })),
          },
          webhookUrl,
        };
      return chatTaskBody(`kill-chat-${i}`, { webhookUrl });
    });
    const created = await Promise.all(
      bodies.map(async (body) => {
        const res = await send(bed.api.url, 'POST', '/tasks', { token: user.token, body });
        expect(res.status).toBe(201);
        return parseJson<{ id: string; webhookSecret: string }>(res);
      }),
    );
    const ids = created.map((t) => t.id);
    const startedAt = Date.now();

    // Kill a busy worker after 1 s and another after 2 s: the last one takes over their runs.
    const graveyard: string[] = [];
    const killedAt: number[] = [];
    for (const atMs of [1_000, 2_000]) {
      await sleep(atMs - (Date.now() - startedAt));
      const victim = bed.workers.find(isRunning)!;
      victim.child.kill('SIGKILL');
      await victim.exited();
      killedAt.push(Date.now() - startedAt);
      graveyard.push(victim.output());
      bed.workers.splice(bed.workers.indexOf(victim), 1);
    }
    const db = await bed.connectDb();
    const rows = await waitForTasksFinished(db, ids, 45_000);
    const allDoneMs = Date.now() - startedAt;
    await waitFor(() => receiver.deliveries.length >= ids.length, 10_000, 'every webhook delivery');
    await sleep(500); // a duplicate delivery would arrive now

    const finishedLines = finishedLogLines(bed, graveyard);
    const deliveries = receiver.countsByTask();
    const attempts = rows.reduce<Record<number, number>>(
      (acc, r) => ({ ...acc, [r.attempts]: (acc[r.attempts] ?? 0) + 1 }),
      {},
    );
    console.log(
      'worker SIGKILL:',
      JSON.stringify({
        tasks: ids.length,
        killedAtMs: killedAt,
        allDoneMs,
        attemptsPerTask: attempts,
        vendorCalls: bed.fake.callsFor('anthropic').length,
        minimumVendorCalls: 12 + 12 * 3 + 12 * 3 + 12,
        webhookDeliveries: receiver.deliveries.length,
        webhookRepeats: receiver.deliveries.length - deliveries.size,
      }),
    );

    expect(rows.filter((r) => r.status !== 'succeeded')).toEqual([]);
    expect(ids.filter((id) => finishedLines.get(id) !== 1)).toEqual([]);
    // Webhooks are at-least-once: every task delivered; a worker killed between the receiver's 200 and
    // recording it may cause one repeat (same body, same x-gateway-delivery id), never more than one per kill.
    expect(ids.filter((id) => (deliveries.get(id) ?? 0) < 1)).toEqual([]);
    const repeats = ids.filter((id) => (deliveries.get(id) ?? 0) > 1);
    expect(repeats.length).toBeLessThanOrEqual(killedAt.length);
    for (const id of repeats) {
      const bodies = new Set(receiver.deliveries.filter((d) => d.taskId === id).map((d) => d.body));
      expect(bodies.size).toBe(1);
    }
    expect(receiver.deliveries.filter((d) => d.status !== 'succeeded')).toEqual([]);
    for (const task of created) {
      const delivery = receiver.deliveries.find((d) => d.taskId === task.id)!;
      expect(verifyWebhookSignature(task.webhookSecret, delivery.body, delivery.signature)).toBe(true);
    }
    // Some runs really were interrupted and taken over (otherwise the kills proved nothing).
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    // Chains resumed from their finished steps: the final answer is each step fed into the next.
    const chainIndex = bodies.findIndex((b) => b.type === 'chain');
    const chain = await send(bed.api.url, 'GET', `/tasks/${ids[chainIndex]}`, { token: user.token });
    expect(parseJson<{ result: { output: string } }>(chain).result.output).toMatch(
      new RegExp(
        `^echo: kill-chain-${chainIndex}-3 echo: kill-chain-${chainIndex}-2 echo: kill-chain-${chainIndex}-1`,
      ),
    );
  });
});
