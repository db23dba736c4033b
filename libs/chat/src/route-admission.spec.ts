import { DomainException } from '@app/common';
import { ModelNotFoundError, type ResolvedRoute } from '@app/llm';
import { deploymentConfig, routingConfig } from '@app/llm/router/testing/fixtures';
import { FakeProvider } from '@app/llm/router/testing/fake-provider';
import { ModelCatalog } from '@app/llm';
import { admit, MAX_TOKENS_CEILING, type AdmissionInput } from './route-admission';

const catalog = new ModelCatalog(
  [
    deploymentConfig('openai-a', {
      type: 'openai',
      priority: 1,
      models: [{ name: 'chat', maxOutputTokens: 4_000 }],
    }),
    deploymentConfig('openai-b', {
      type: 'openai',
      priority: 0,
      models: [{ name: 'chat', maxOutputTokens: 8_000 }],
    }),
    deploymentConfig('claude', {
      type: 'anthropic',
      models: [{ name: 'chat', maxOutputTokens: 2_000 }, { name: 'open' }],
    }),
    deploymentConfig('vllm', { type: 'openai-compatible', models: [{ name: 'open' }] }),
  ],
  routingConfig(),
  (d) => new FakeProvider(d.id, d.type),
);

const input = (overrides: Partial<AdmissionInput> = {}): AdmissionInput => ({
  route: catalog.resolve('chat'),
  model: 'chat',
  maxTokens: undefined,
  hints: undefined,
  maxTimeoutMs: 60_000,
  signal: undefined,
  ...overrides,
});

function refusal(work: () => unknown): DomainException {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainException) return error;
    throw error;
  }
  throw new Error('expected a DomainException');
}

describe('admit', () => {
  it('refuses an unknown model with model_not_found', () => {
    expect(() => admit(input({ route: undefined, model: 'nope' }))).toThrow(ModelNotFoundError);
  });

  it('passes the hints on as route options, the timeout capped by routing.requestTimeoutMs', () => {
    const signal = new AbortController().signal;
    const admission = admit(
      input({ signal, hints: { deploymentId: 'claude', fallback: false, timeoutMs: 90_000 } }),
    );
    expect(admission.options).toEqual({ signal, deploymentId: 'claude', fallback: false, timeoutMs: 60_000 });
    expect(admit(input({ hints: { timeoutMs: 500 } })).options.timeoutMs).toBe(500);
    expect(admit(input()).options).toEqual({ signal: undefined });
  });

  it('pins a provider to its highest-priority deployment serving the model', () => {
    expect(admit(input({ hints: { provider: 'openai' } })).deploymentId).toBe('openai-b');
    expect(admit(input({ hints: { provider: 'anthropic' } })).deploymentId).toBe('claude');
    expect(admit(input({ hints: { provider: 'openai', deploymentId: 'openai-a' } })).deploymentId).toBe(
      'openai-a',
    );
    const none = refusal(() => admit(input({ hints: { provider: 'bedrock' } })));
    expect(none).toMatchObject({ status: 404, code: 'deployment_not_found' });
    expect(
      refusal(() => admit(input({ hints: { provider: 'openai', deploymentId: 'claude' } }))).status,
    ).toBe(404);
  });

  it('refuses max_tokens above the most any candidate accepts, naming max_tokens', () => {
    expect(() => admit(input({ maxTokens: 8_000 }))).not.toThrow();
    const over = refusal(() => admit(input({ maxTokens: 8_001 })));
    expect(over).toMatchObject({ status: 400, code: 'validation_failed', param: 'max_tokens' });
    expect(over.message).toContain('8000');
  });

  it('judges max_tokens by the pinned deployment alone', () => {
    const pinned = refusal(() => admit(input({ maxTokens: 3_000, hints: { deploymentId: 'claude' } })));
    expect(pinned.message).toContain('2000');
  });

  it('leaves the limit to the vendor when a candidate has none configured', () => {
    const open = catalog.resolve('open') as ResolvedRoute;
    expect(() => admit(input({ route: open, model: 'open', maxTokens: 1_000_000 }))).not.toThrow();
  });

  it('refuses a max_tokens no vendor takes (beyond 32 bits) even without a configured limit', () => {
    const open = catalog.resolve('open') as ResolvedRoute;
    expect(() => admit(input({ route: open, model: 'open', maxTokens: MAX_TOKENS_CEILING }))).not.toThrow();
    for (const maxTokens of [MAX_TOKENS_CEILING + 1, 2 ** 53 + 2, 1e308]) {
      const refused = refusal(() => admit(input({ route: open, model: 'open', maxTokens })));
      expect(refused).toMatchObject({ status: 400, code: 'validation_failed', param: 'max_tokens' });
    }
  });
});
