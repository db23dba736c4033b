import type { PlannedReply } from './helpers';
import type { StatusBehaviour } from './types';

const STOP_REASONS: Record<PlannedReply['finish'], string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
};

export function stopReason(reply: PlannedReply): string {
  return STOP_REASONS[reply.finish];
}

export function usageBody(reply: PlannedReply): Record<string, number> {
  const { input, output } = reply.usage;
  return { inputTokens: input, outputTokens: output, totalTokens: input + output };
}

/** Tool input is a JSON document on the wire; a scripted string that isn't an object is sent as `{}`. */
export function toolInput(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function converseBody(reply: PlannedReply, latencyMs: number): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (reply.text) content.push({ text: reply.text });
  for (const call of reply.toolCalls) {
    content.push({ toolUse: { toolUseId: call.id, name: call.name, input: toolInput(call.arguments) } });
  }
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: stopReason(reply),
    usage: usageBody(reply),
    metrics: { latencyMs },
  };
}

/** The exception Bedrock names for each status (x-amzn-errortype). */
const EXCEPTIONS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

export function exceptionName(status: number): string {
  return EXCEPTIONS[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
}

export function errorHeaders(behaviour: StatusBehaviour, requestId: string): Record<string, string> {
  return {
    // The real service appends the shape's namespace; the SDK strips it.
    'x-amzn-errortype': `${exceptionName(behaviour.status)}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': requestId,
    ...(behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}),
  };
}

export function errorBody(behaviour: StatusBehaviour): Record<string, string> {
  return {
    message:
      behaviour.message ?? `fake bedrock ${exceptionName(behaviour.status)} (status ${behaviour.status})`,
  };
}
