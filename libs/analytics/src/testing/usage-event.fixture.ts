import type { UsageAttempt, UsageEvent } from '../events/usage-event';

/** A served, non-streamed request at 2026-01-01T10:15Z; override what a test is about. */
export function usageEvent(overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    occurredAt: Date.UTC(2026, 0, 1, 10, 15),
    requestId: 'req-1',
    kind: 'chat',
    userId: 'user-1',
    apiKeyId: null,
    route: 'chat',
    modelGroup: 'gpt-4o',
    provider: 'openai',
    deploymentId: 'openai-a',
    model: 'gpt-4o',
    outcome: 'ok',
    status: 200,
    errorCode: null,
    promptTokens: 100,
    completionTokens: 20,
    costUsd: 0.00045,
    latencyMs: 110,
    ttftMs: null,
    attempts: [attempt()],
    fallbacks: 0,
    cacheHit: false,
    streamAborted: false,
    ...overrides,
  };
}

export function attempt(overrides: Partial<UsageAttempt> = {}): UsageAttempt {
  return {
    deploymentId: 'openai-a',
    provider: 'openai',
    model: 'gpt-4o',
    vendorModel: 'gpt-4o',
    ok: true,
    errorCode: null,
    status: null,
    latencyMs: 100,
    ttftMs: null,
    ...overrides,
  };
}
