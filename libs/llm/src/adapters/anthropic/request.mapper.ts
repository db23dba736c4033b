import type {
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsNonStreaming,
  Tool,
  ToolChoice as AnthropicToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ToolChoice,
  ToolDefinition,
} from '../../core/chat.types';
import { toAlternatingTurns } from '../shared/alternating-turns';
import {
  JSON_OBJECT_INSTRUCTION,
  answeredToolCallId,
  parseDataUrl,
  textOf,
  toolCallInput,
} from '../shared/message-content';
import { RequestMappingError } from '../shared/request-mapping-error';

export const DEFAULT_MAX_TOKENS = 4096;

const IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

/**
 * Internal request → Anthropic messages params (non-streaming; the provider adds `stream: true`).
 * - system messages go to `system`; consecutive same-role turns are merged (Anthropic wants alternation)
 * - tool results become `tool_result` blocks in a user turn; assistant tool calls become `tool_use`
 * - `response_format: json_object` has no Anthropic equivalent: an instruction is appended to the system
 *   prompt (best effort); `json_schema` maps to `output_config.format`
 * - temperature and top_p are dropped: API version 2026-10-21 (what this SDK sends) rejects any sampling
 *   parameter with a 400, so a request valid for an OpenAI model group must still work after fallback
 */
export function toAnthropicRequest(
  request: ChatRequest,
  defaultMaxTokens = DEFAULT_MAX_TOKENS,
): MessageCreateParamsNonStreaming {
  const params: MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.max_tokens ?? defaultMaxTokens,
    messages: toAlternatingTurns(request.messages, toBlocks),
  };
  const system = toSystem(request);
  if (system) params.system = system;
  const stops = request.stop?.filter((s) => s.length > 0);
  if (stops?.length) params.stop_sequences = stops;
  if (request.user) params.metadata = { user_id: request.user };
  if (request.tools?.length) {
    params.tools = request.tools.map(toTool);
    if (request.tool_choice) params.tool_choice = toToolChoice(request.tool_choice);
  }
  if (request.response_format?.type === 'json_schema' && request.response_format.json_schema.schema) {
    params.output_config = {
      format: { type: 'json_schema', schema: request.response_format.json_schema.schema },
    };
  }
  return params;
}

function toSystem(request: ChatRequest): string | undefined {
  const parts = request.messages.filter((m) => m.role === 'system').map((m) => textOf(m.content));
  if (request.response_format?.type === 'json_object') parts.push(JSON_OBJECT_INSTRUCTION);
  const system = parts.filter((p) => p.length > 0).join('\n\n');
  return system || undefined;
}

function toBlocks(message: ChatMessage): ContentBlockParam[] {
  if (message.role === 'tool') {
    const toolUseId = answeredToolCallId(message);
    const text = textOf(message.content);
    return [{ type: 'tool_result', tool_use_id: toolUseId, ...(text ? { content: text } : {}) }];
  }
  const blocks = contentBlocks(message.content);
  for (const call of message.role === 'assistant' ? (message.tool_calls ?? []) : []) {
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolCallInput(call) });
  }
  return blocks;
}

function contentBlocks(content: ChatMessage['content']): ContentBlockParam[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return content.flatMap((part): ContentBlockParam[] => {
    if (part.type === 'text') return part.text ? [{ type: 'text', text: part.text }] : [];
    return [toImage(part)];
  });
}

function toImage(part: Extract<ContentPart, { type: 'image_url' }>): ImageBlockParam {
  const { url } = part.image_url;
  const inline = parseDataUrl(url);
  if (inline) {
    if (!IMAGE_MEDIA_TYPES.has(inline.mediaType)) {
      throw new RequestMappingError(`image type ${inline.mediaType} is not supported by Anthropic`);
    }
    const mediaType = inline.mediaType as Base64ImageSource['media_type'];
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: inline.base64 } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new RequestMappingError('image_url must be a data: URL or an http(s) URL');
}

function toTool(tool: ToolDefinition): Tool {
  const schema = tool.function.parameters ?? { type: 'object', properties: {} };
  return {
    name: tool.function.name,
    ...(tool.function.description ? { description: tool.function.description } : {}),
    input_schema: { ...schema, type: 'object' },
  };
}

function toToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}
