import type { ChatRequest } from '@app/llm';
import { responseCacheKey, type CacheKeyInput } from './cache-key';

const request: ChatRequest = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Capital of France?' },
  ],
  temperature: 0,
  max_tokens: 50,
};

const input = (
  overrides: Partial<CacheKeyInput> = {},
  requestOverrides: Partial<ChatRequest> = {},
): CacheKeyInput => ({
  scope: 'user-1',
  model: 'gpt-4o',
  request: { ...request, ...requestOverrides },
  ...overrides,
});

describe('responseCacheKey', () => {
  it('is a sha256 hex digest, the same for the same request', () => {
    expect(responseCacheKey(input())).toMatch(/^[0-9a-f]{64}$/);
    expect(responseCacheKey(input())).toBe(responseCacheKey(input()));
  });

  it('does not depend on the order keys were written in', () => {
    const reordered: ChatRequest = {
      max_tokens: 50,
      temperature: 0,
      messages: [
        { content: 'Be brief.', role: 'system' },
        { content: 'Capital of France?', role: 'user' },
      ],
      model: 'gpt-4o',
    };
    expect(responseCacheKey(input({ request: reordered }))).toBe(responseCacheKey(input()));
  });

  it.each<[string, Partial<ChatRequest>]>([
    ['temperature', { temperature: 0.1 }],
    ['top_p', { top_p: 0.9 }],
    ['max_tokens', { max_tokens: 51 }],
    ['stop', { stop: ['END'] }],
    ['seed', { seed: 1 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['tool_choice', { tool_choice: 'required' }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['messages', { messages: [{ role: 'user', content: 'Capital of Spain?' }] }],
    ['a message name', { messages: [{ role: 'user', content: 'Capital of France?', name: 'ann' }] }],
  ])('changes when %s changes', (_what, change) => {
    expect(responseCacheKey(input({}, change))).not.toBe(responseCacheKey(input()));
  });

  it.each<[string, Partial<CacheKeyInput>]>([
    ['caller scope', { scope: 'user-2' }],
    ['requested model or group', { model: 'smart' }],
    ['pinned deployment', { deploymentId: 'azure-west' }],
  ])('changes when the %s changes', (_what, change) => {
    expect(responseCacheKey(input(change))).not.toBe(responseCacheKey(input()));
  });

  it('ignores what does not change the answer: user, and empty stop/tools lists', () => {
    expect(responseCacheKey(input({}, { user: 'end-user-9' }))).toBe(responseCacheKey(input()));
    expect(responseCacheKey(input({}, { stop: [], tools: [] }))).toBe(responseCacheKey(input()));
  });
});
