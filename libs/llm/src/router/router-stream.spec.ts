import type { ChatChunk } from '../core/chat.types';
import { ProviderError } from '../core/provider-error';
import type { RoutedStream, RouteFinishedEvent } from './router.types';
import { flushPromises } from './testing/fake-clock';
import { fail, hang, streamOf } from './testing/fake-provider';
import { chatRequest, deploymentConfig } from './testing/fixtures';
import { routerHarness } from './testing/router-harness';

function twoDeployments(a: Parameters<typeof deploymentConfig>[1] = {}) {
  return [
    deploymentConfig('a', { maxRetries: 0, ...a }),
    deploymentConfig('b', { priority: 1, maxRetries: 0, type: 'anthropic' }),
  ];
}

const text = (chunk: ChatChunk) => chunk.choices[0]?.delta.content ?? '';

/** Reads the stream to its end; returns the texts read and the error it ended with, if any. */
async function drain(stream: RoutedStream): Promise<{ texts: string[]; error?: unknown }> {
  const texts: string[] = [];
  try {
    for await (const chunk of stream.chunks) texts.push(text(chunk));
    return { texts };
  } catch (error) {
    return { texts, error };
  }
}

describe('LlmRouter.stream', () => {
  it('resolves at the first chunk and yields every chunk, the first one included', async () => {
    const h = routerHarness(twoDeployments({ tpm: 1_000 }));
    const finished: RouteFinishedEvent[] = [];
    h.router.addListener({ onFinished: (event) => finished.push(event) });
    h.provider('a').then(streamOf(['Hel', 'lo', '!'], { totalTokens: 7 }));
    const stream = await h.router.stream(chatRequest());
    expect(stream).toMatchObject({
      deploymentId: 'a',
      provider: 'openai',
      model: 'chat',
      vendorModel: 'chat',
      ttftMs: 0,
    });
    expect(text(stream.firstChunk)).toBe('Hel');
    expect(stream.attempts).toEqual([
      { deploymentId: 'a', provider: 'openai', vendorModel: 'chat', ok: true, latencyMs: 0, ttftMs: 0 },
    ]);
    expect(h.health.finished).toEqual([]); // still in flight while streaming

    expect(await drain(stream)).toEqual({ texts: ['Hel', 'lo', '!'] });
    expect(h.health.finished).toEqual([
      { deploymentId: 'a', outcome: { ok: true, latencyMs: 0, ttftMs: 0 } },
    ]);
    expect(h.capacity.settled.map((s) => s.actualTokens)).toEqual([7]);
    expect(finished).toEqual([
      expect.objectContaining({
        outcome: 'ok',
        stream: true,
        usage: expect.objectContaining({ total_tokens: 7 }),
      }),
    ]);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('records the time to first chunk', async () => {
    const h = routerHarness(twoDeployments());
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.provider('a').stream = async function* () {
      await gate;
      yield {
        id: '1',
        created: 0,
        model: 'chat',
        choices: [{ index: 0, delta: { content: 'late' }, finish_reason: null }],
      };
    };
    const pending = h.router.stream(chatRequest());
    await h.clock.advance(1_234);
    release();
    const stream = await pending;
    expect(stream.ttftMs).toBe(1_234);
    expect(stream.attempts[0].ttftMs).toBe(1_234);
    await drain(stream);
  });

  it('falls back when the primary fails before its first chunk', async () => {
    const h = routerHarness(twoDeployments());
    h.provider('a').then(fail(529));
    h.provider('b').then(streamOf(['from b']));
    const stream = await h.router.stream(chatRequest());
    expect(stream.deploymentId).toBe('b');
    expect(stream.attempts.map((a) => [a.deploymentId, a.ok])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect((await drain(stream)).texts).toEqual(['from b']);
  });

  it('falls back when the primary ends its stream without a chunk', async () => {
    const h = routerHarness(twoDeployments());
    h.provider('a').then(streamOf([]));
    const stream = await h.router.stream(chatRequest());
    expect(stream.deploymentId).toBe('b');
    expect(stream.attempts[0]).toMatchObject({ errorCode: 'invalid_response', status: 502 });
    await drain(stream);
  });

  it('falls back when the first chunk does not come within deployment.timeoutMs', async () => {
    const h = routerHarness(twoDeployments({ timeoutMs: 2_000 }));
    h.provider('a').then(hang());
    const pending = h.router.stream(chatRequest());
    await h.clock.advance(2_000);
    const stream = await pending;
    expect(stream.deploymentId).toBe('b');
    expect(h.provider('a').lastSignal?.aborted).toBe(true);
    await drain(stream);
  });

  it('closes a stream whose first chunk arrives after its attempt was given up', async () => {
    const h = routerHarness(twoDeployments({ timeoutMs: 1_000 }));
    let release: () => void = () => undefined;
    let cleanedUp = false;
    h.provider('a').stream = async function* () {
      try {
        await new Promise<void>((resolve) => (release = resolve)); // ignores its signal
        yield {
          id: '1',
          created: 0,
          model: 'chat',
          choices: [{ index: 0, delta: { content: 'too late' }, finish_reason: null }],
        };
        yield {
          id: '1',
          created: 0,
          model: 'chat',
          choices: [{ index: 0, delta: { content: 'never read' }, finish_reason: null }],
        };
      } finally {
        cleanedUp = true;
      }
    };
    const pending = h.router.stream(chatRequest());
    await h.clock.advance(1_000);
    const stream = await pending;
    expect(stream.deploymentId).toBe('b');
    release();
    await flushPromises();
    expect(cleanedUp).toBe(true);
    await drain(stream);
  });

  it('a failure after the first chunk comes out of the iterable after the delivered chunks, without fallback', async () => {
    const h = routerHarness(twoDeployments(), { routing: { breaker: { failureThreshold: 1 } } });
    const finished: RouteFinishedEvent[] = [];
    h.router.addListener({ onFinished: (event) => finished.push(event) });
    h.provider('a').then(
      streamOf(['one', 'two'], { thenFail: { status: 500, message: 'upstream broke mid-stream' } }),
    );
    const stream = await h.router.stream(chatRequest());
    const { texts, error } = await drain(stream);
    expect(texts).toEqual(['one', 'two']);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 500, message: 'upstream broke mid-stream' });
    expect(h.provider('b').calls).toHaveLength(0);
    expect(stream.attempts).toEqual([
      expect.objectContaining({ deploymentId: 'a', ok: false, status: 500, ttftMs: 0 }),
    ]);
    expect(h.breaker.state('a')).toBe('open');
    expect(finished).toEqual([expect.objectContaining({ outcome: 'error', error })]);
    expect(await stream.chunks.next()).toEqual({ value: undefined, done: true });
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('consumer return() aborts the upstream call', async () => {
    const h = routerHarness(twoDeployments());
    const finished: RouteFinishedEvent[] = [];
    h.router.addListener({ onFinished: (event) => finished.push(event) });
    h.provider('a').then(streamOf(['first', 'second'], { thenHang: true }));
    const stream = await h.router.stream(chatRequest());
    for await (const chunk of stream.chunks) {
      if (text(chunk) === 'second') break;
    }
    await flushPromises();
    expect(h.provider('a').lastSignal?.aborted).toBe(true);
    expect(h.provider('a').closedStreams).toBe(1);
    expect(finished).toEqual([expect.objectContaining({ outcome: 'cancelled' })]);
    expect(h.health.finished).toEqual([
      expect.objectContaining({ deploymentId: 'a', outcome: expect.objectContaining({ ok: true }) }),
    ]);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('return() while a next() is pending ends that next() at once', async () => {
    const h = routerHarness(twoDeployments());
    h.provider('a').then(streamOf(['first'], { thenHang: true }));
    const stream = await h.router.stream(chatRequest());
    await stream.chunks.next();
    const pendingNext = stream.chunks.next();
    await flushPromises();
    await stream.chunks.return();
    expect(await pendingNext).toEqual({ value: undefined, done: true });
    expect(h.provider('a').lastSignal?.aborted).toBe(true);
  });

  it('the caller aborting mid-stream surfaces as an aborted error', async () => {
    const h = routerHarness(twoDeployments());
    h.provider('a').then(streamOf(['first'], { thenHang: true }));
    const controller = new AbortController();
    const stream = await h.router.stream(chatRequest(), { signal: controller.signal });
    await stream.chunks.next();
    const pendingNext = stream.chunks.next();
    controller.abort();
    await expect(pendingNext).rejects.toMatchObject({ code: 'aborted' });
    expect(h.provider('a').lastSignal?.aborted).toBe(true);
    expect(h.breaker.state('a')).toBe('closed');
  });

  it('after the first chunk the deployment timeout is an idle timeout and the request deadline no longer applies', async () => {
    const h = routerHarness(twoDeployments({ timeoutMs: 1_000 }));
    const chunks: string[] = ['c0'];
    let emit: (() => void) | undefined;
    h.provider('a').stream = async function* (_request, signal) {
      yield {
        id: '1',
        created: 0,
        model: 'chat',
        choices: [{ index: 0, delta: { content: 'c0' }, finish_reason: null }],
      };
      for (let i = 1; ; i++) {
        await new Promise<void>((resolve, reject) => {
          emit = resolve;
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
        yield {
          id: '1',
          created: 0,
          model: 'chat',
          choices: [{ index: 0, delta: { content: `c${i}` }, finish_reason: null }],
        };
      }
    };
    const stream = await h.router.stream(chatRequest(), { timeoutMs: 1_500 });
    await stream.chunks.next();
    // a chunk every 900 ms keeps it alive well past the 1,500 ms request deadline
    for (let i = 1; i <= 3; i++) {
      const next = stream.chunks.next();
      await h.clock.advance(900);
      emit?.();
      chunks.push(text(((await next) as IteratorYieldResult<ChatChunk>).value));
    }
    expect(chunks).toEqual(['c0', 'c1', 'c2', 'c3']);
    const stalled = stream.chunks.next().catch((e: unknown) => e);
    await h.clock.advance(1_000);
    expect(await stalled).toMatchObject({
      code: 'timeout',
      message: 'deployment "a" sent no chunk for 1000 ms',
    });
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('an unread stream is still cleaned up by the idle timeout', async () => {
    const h = routerHarness(twoDeployments({ timeoutMs: 1_000 }));
    h.provider('a').then(streamOf(['first'], { thenHang: true }));
    const stream = await h.router.stream(chatRequest());
    await stream.chunks.next();
    await h.clock.advance(1_000);
    expect(h.clock.pendingTimers).toBe(0);
    await expect(stream.chunks.next()).rejects.toMatchObject({ code: 'timeout' });
  });

  it('throws like generate when nothing can serve', async () => {
    const h = routerHarness(twoDeployments());
    h.provider('a').always(fail(500));
    h.provider('b').always(fail(500));
    await expect(h.router.stream(chatRequest())).rejects.toMatchObject({ status: 503 });
    h.provider('a').then(fail(400, { message: 'bad tools' }));
    await expect(h.router.stream(chatRequest())).rejects.toMatchObject({ status: 400, message: 'bad tools' });
    expect(h.clock.pendingTimers).toBe(0);
  });
});
