import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ResponseFormat,
  ToolCall,
  ToolDefinition,
} from '../../core';
import { UnmappableRequestError } from './mapping-errors';
import { withoutUndefined } from './without-undefined';

export interface RequestMapperOptions {
  /**
   * OpenAI and Azure take `max_completion_tokens` (reasoning models reject `max_tokens`);
   * OpenAI-compatible servers mostly know only `max_tokens`.
   */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
}

type ResponseFormatParam = ChatCompletionCreateParamsNonStreaming['response_format'];

function textParts(message: ChatMessage): string | ChatCompletionContentPartText[] {
  if (message.content === null) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => {
    if (part.type !== 'text') {
      throw new UnmappableRequestError(`${message.role} messages can only carry text parts`);
    }
    return { type: 'text', text: part.text };
  });
}

function toContentPart(part: ContentPart): ChatCompletionContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return {
    type: 'image_url',
    image_url: withoutUndefined({ url: part.image_url.url, detail: part.image_url.detail }),
  };
}

function toToolCallParam(call: ToolCall): ChatCompletionMessageFunctionToolCall {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.function.name, arguments: call.function.arguments },
  };
}

function toMessageParam(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return withoutUndefined({ role: 'system', content: textParts(message), name: message.name });
    case 'user':
      return withoutUndefined({
        role: 'user',
        content: Array.isArray(message.content)
          ? message.content.map(toContentPart)
          : (message.content ?? ''),
        name: message.name,
      });
    case 'assistant': {
      const toolCalls = message.tool_calls?.length ? message.tool_calls.map(toToolCallParam) : undefined;
      return withoutUndefined({
        role: 'assistant',
        // Content may be null only next to tool calls.
        content: message.content === null && toolCalls ? null : textParts(message),
        name: message.name,
        tool_calls: toolCalls,
      });
    }
    case 'tool':
      if (!message.tool_call_id) {
        throw new UnmappableRequestError('tool messages need the tool_call_id they answer');
      }
      return { role: 'tool', content: textParts(message), tool_call_id: message.tool_call_id };
  }
}

function toToolParam(tool: ToolDefinition): ChatCompletionTool {
  return {
    type: 'function',
    function: withoutUndefined({
      name: tool.function.name,
      description: tool.function.description,
      parameters: tool.function.parameters,
    }),
  };
}

function toResponseFormatParam(format: ResponseFormat | undefined): ResponseFormatParam {
  if (format?.type !== 'json_schema') return format;
  const { name, schema, strict } = format.json_schema;
  return { type: 'json_schema', json_schema: withoutUndefined({ name, schema, strict }) };
}

export function toChatCompletionParams(
  request: ChatRequest,
  options: RequestMapperOptions,
): ChatCompletionCreateParamsNonStreaming {
  return withoutUndefined<ChatCompletionCreateParamsNonStreaming>({
    model: request.model,
    messages: request.messages.map(toMessageParam),
    temperature: request.temperature,
    top_p: request.top_p,
    [options.maxTokensField]: request.max_tokens,
    stop: request.stop?.length ? request.stop : undefined,
    tools: request.tools?.length ? request.tools.map(toToolParam) : undefined,
    tool_choice: request.tool_choice,
    response_format: toResponseFormatParam(request.response_format),
    user: request.user,
    seed: request.seed,
  });
}

/** Streams ask for usage, which then arrives in a last chunk without choices. */
export function toStreamingParams(
  request: ChatRequest,
  options: RequestMapperOptions,
): ChatCompletionCreateParamsStreaming {
  return {
    ...toChatCompletionParams(request, options),
    stream: true,
    stream_options: { include_usage: true },
  };
}
