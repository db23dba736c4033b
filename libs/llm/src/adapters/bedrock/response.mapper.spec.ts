import type { ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { assistantChoice, functionCall } from '../shared/testing/response-fixtures';
import { fromConverseResponse, toUsage } from './response.mapper';

describe('fromConverseResponse', () => {
  const base: ConverseResponse = {
    output: { message: { role: 'assistant', content: [] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
    metrics: { latencyMs: 80 },
  };

  it('joins text blocks and maps the request id, requested model, finish reason and usage', () => {
    const response = fromConverseResponse(
      {
        ...base,
        output: { message: { role: 'assistant', content: [{ text: 'Hello, ' }, { text: 'world' }] } },
        $metadata: { requestId: 'abc-123' },
      },
      'anthropic.claude-x-v1:0',
      1_700_000_000_999,
    );
    expect(response).toEqual({
      id: 'bedrock-abc-123',
      created: 1_700_000_000,
      model: 'anthropic.claude-x-v1:0',
      choices: [assistantChoice('Hello, world', 'stop')],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
  });

  it('maps toolUse blocks to tool_calls, content null without text', () => {
    const response = fromConverseResponse(
      {
        ...base,
        stopReason: 'tool_use',
        output: {
          message: {
            role: 'assistant',
            content: [
              { toolUse: { toolUseId: 'tu_1', name: 'lookup', input: { q: 'a' } } },
              { toolUse: { toolUseId: 'tu_2', name: 'now', input: undefined } },
            ],
          },
        },
      },
      'm',
    );
    expect(response.choices[0]).toEqual(
      assistantChoice(null, 'tool_calls', [
        functionCall('tu_1', 'lookup', '{"q":"a"}'),
        functionCall('tu_2', 'now', '{}'),
      ]),
    );
    expect(response.id).toMatch(/^bedrock-[0-9a-f-]{36}$/);
  });
});

describe('toUsage', () => {
  it('counts cache reads and writes as prompt tokens, and survives missing usage', () => {
    expect(
      toUsage({
        inputTokens: 5,
        outputTokens: 2,
        totalTokens: 1007,
        cacheReadInputTokens: 900,
        cacheWriteInputTokens: 100,
      }),
    ).toEqual({
      prompt_tokens: 1005,
      completion_tokens: 2,
      total_tokens: 1007,
    });
    expect(toUsage(undefined)).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});
