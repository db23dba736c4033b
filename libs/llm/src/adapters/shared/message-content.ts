import type { ChatMessage, ContentPart, ResponseFormat, ToolCall } from '../../core/chat.types';
import { RequestMappingError } from './request-mapping-error';

export interface InlineImage {
  mediaType: string;
  base64: string;
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/** `data:image/png;base64,...` → its media type and payload; undefined for any other URL. */
export function parseDataUrl(url: string): InlineImage | undefined {
  const match = DATA_URL.exec(url);
  return match ? { mediaType: match[1].toLowerCase(), base64: match[2] } : undefined;
}

/** The text of a message, text parts joined by newlines; images are ignored. */
export function textOf(content: ChatMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

/** Tool-call arguments are a JSON string in the internal shape; Anthropic and Bedrock want the object. */
export function parseToolArguments(args: string): Record<string, unknown> | undefined {
  if (args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A tool call's arguments as the object Anthropic and Bedrock take; a RequestMappingError when not one. */
export function toolCallInput(call: ToolCall): Record<string, unknown> {
  const input = parseToolArguments(call.function.arguments);
  if (!input) throw new RequestMappingError(`arguments of tool call ${call.id} are not a JSON object`);
  return input;
}

/** The id of the call a tool message answers; a RequestMappingError when it has none. */
export function answeredToolCallId(message: ChatMessage): string {
  if (!message.tool_call_id) throw new RequestMappingError('tool message without tool_call_id');
  return message.tool_call_id;
}

/**
 * Vendors without a JSON mode get this appended to the system prompt for `json_object`. Best effort:
 * the model is asked, not forced, so callers must still validate what comes back.
 */
export const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose, no code fences.';

/** The same, for a `json_schema` format sent where the vendor call has no native structured output. */
export function jsonSchemaInstruction(format: Extract<ResponseFormat, { type: 'json_schema' }>): string {
  const schema = format.json_schema.schema;
  return schema
    ? `${JSON_OBJECT_INSTRUCTION} It must conform to this JSON schema: ${JSON.stringify(schema)}`
    : JSON_OBJECT_INSTRUCTION;
}
