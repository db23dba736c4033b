import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ChatCompletionRequestDto } from './chat-completion-request.dto';

/** Property paths with a problem, as the ValidationPipe reports them (`tools.0.function`). */
function problemPaths(body: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(ChatCompletionRequestDto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  const walk = (list: ValidationError[], prefix: string): string[] =>
    list.flatMap((e) => [
      ...(e.constraints ? [`${prefix}${e.property}`] : []),
      ...walk(e.children ?? [], `${prefix}${e.property}.`),
    ]);
  return walk(errors, '');
}

const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

describe('ChatCompletionRequestDto: nested objects that must be there', () => {
  // Found by the resilience fuzz (test/resilience/hostile-input): both used to pass validation and
  // crash the request mapping with a TypeError (a 500).
  it('refuses a tool without its function', () => {
    expect(problemPaths({ ...base, tools: [{ type: 'function' }] })).toEqual(['tools.0.function']);
  });

  it('refuses an assistant tool call without its function', () => {
    const messages = [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function' }] }];
    expect(problemPaths({ ...base, messages })).toEqual(['messages.0.tool_calls.0.function']);
  });

  it('still accepts complete ones', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const messages = [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ];
    expect(problemPaths({ ...base, messages, tools })).toEqual([]);
  });
});
