import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolDefinition } from '@app/llm';
import type { ChatMessageDto } from '../dto/chat-message.dto';
import type { ResponseFormatDto, ToolDto } from '../dto/chat-options.dto';
import type { ChatCompletionRequestDto } from '../dto/chat-completion-request.dto';
import type { LegacyCompletionRequestDto } from '../dto/legacy-completion-request.dto';

/** Validated content parts, keeping only the fields the internal shape has. */
function toContentParts(parts: Array<Record<string, unknown>>): ContentPart[] {
  return parts.map((part) => {
    if (part.type === 'text') return { type: 'text', text: part.text as string };
    const image = part.image_url as { url: string; detail?: 'auto' | 'low' | 'high' };
    return {
      type: 'image_url',
      image_url: image.detail ? { url: image.url, detail: image.detail } : { url: image.url },
    };
  });
}

function toMessage(dto: ChatMessageDto): ChatMessage {
  const message: ChatMessage = {
    role: dto.role === 'developer' ? 'system' : dto.role,
    content: Array.isArray(dto.content) ? toContentParts(dto.content) : (dto.content ?? null),
  };
  if (dto.name !== undefined && dto.name !== null) message.name = dto.name;
  if (dto.tool_calls?.length) {
    message.tool_calls = dto.tool_calls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.function.name, arguments: call.function.arguments },
    }));
  }
  if (dto.tool_call_id !== undefined && dto.tool_call_id !== null) message.tool_call_id = dto.tool_call_id;
  return message;
}

function toTool(dto: ToolDto): ToolDefinition {
  const { name, description, parameters } = dto.function;
  return {
    type: 'function',
    function: {
      name,
      ...(description == null ? {} : { description }),
      ...(parameters == null ? {} : { parameters }),
    },
  };
}

function toResponseFormat(dto: ResponseFormatDto): ResponseFormat {
  if (dto.type !== 'json_schema') return { type: dto.type };
  const { name, schema, strict } = dto.json_schema!;
  return {
    type: 'json_schema',
    json_schema: { name, ...(schema == null ? {} : { schema }), ...(strict == null ? {} : { strict }) },
  };
}

/** null means "not set" in OpenAI's API, like an absent field. */
function given<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

/**
 * The validated OpenAI body as the internal request. Accepted-but-ignored fields (penalties, logit_bias,
 * metadata, ...) are dropped here; `developer` becomes `system`; `stop` is always a list.
 */
export function toChatRequest(dto: ChatCompletionRequestDto): ChatRequest {
  const request: ChatRequest = { model: dto.model, messages: dto.messages.map(toMessage) };
  const temperature = given(dto.temperature);
  const topP = given(dto.top_p);
  const maxTokens = given(dto.max_completion_tokens) ?? given(dto.max_tokens);
  const stop = given(dto.stop);
  const seed = given(dto.seed);
  const user = given(dto.user);
  const toolChoice = given(dto.tool_choice);
  if (temperature !== undefined) request.temperature = temperature;
  if (topP !== undefined) request.top_p = topP;
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  if (stop !== undefined) request.stop = typeof stop === 'string' ? [stop] : stop;
  if (dto.tools?.length) request.tools = dto.tools.map(toTool);
  if (toolChoice !== undefined) request.tool_choice = toolChoice;
  if (dto.response_format) request.response_format = toResponseFormat(dto.response_format);
  if (seed !== undefined) request.seed = seed;
  if (user !== undefined) request.user = user;
  return request;
}

/** The legacy `{prompt, model?, max_tokens?, temperature?}` as one user message to `model`. */
export function legacyToChatRequest(dto: LegacyCompletionRequestDto, model: string): ChatRequest {
  const request: ChatRequest = { model, messages: [{ role: 'user', content: dto.prompt }] };
  const temperature = given(dto.temperature);
  const maxTokens = given(dto.max_tokens);
  if (temperature !== undefined) request.temperature = temperature;
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  return request;
}
