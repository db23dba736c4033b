import type {
  ContentBlock,
  ConverseRequest,
  ImageFormat,
  Message,
  SystemContentBlock,
  Tool,
  ToolChoice as BedrockToolChoice,
  ToolConfiguration,
  ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { ChatMessage, ChatRequest, ContentPart, ToolDefinition } from '../../core/chat.types';
import { toAlternatingTurns } from '../shared/alternating-turns';
import {
  JSON_OBJECT_INSTRUCTION,
  answeredToolCallId,
  jsonSchemaInstruction,
  parseDataUrl,
  textOf,
  toolCallInput,
} from '../shared/message-content';
import { RequestMappingError } from '../shared/request-mapping-error';

/** The part of a Converse request that ConverseCommand and ConverseStreamCommand share. */
export type ConverseInput = Pick<
  ConverseRequest,
  'modelId' | 'messages' | 'system' | 'inferenceConfig' | 'toolConfig' | 'requestMetadata'
>;

export interface ConverseMappingOptions {
  /** used when the request sets no max_tokens (the model config's maxOutputTokens) */
  defaultMaxTokens?: number;
}

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/**
 * Internal request → ConverseCommand input. `json_schema` uses Converse structured output
 * (`outputConfig.textFormat`); `json_object` is an instruction appended to the system prompt (best effort).
 */
export function toConverseRequest(
  request: ChatRequest,
  options: ConverseMappingOptions = {},
): ConverseRequest {
  const input: ConverseRequest = toConverseInput(request, options, false);
  const format = request.response_format;
  if (format?.type === 'json_schema' && format.json_schema.schema) {
    const jsonSchema = { schema: JSON.stringify(format.json_schema.schema), name: format.json_schema.name };
    input.outputConfig = { textFormat: { type: 'json_schema', structure: { jsonSchema } } };
  }
  return input;
}

/**
 * Internal request → ConverseStreamCommand input. ConverseStream has no structured output, so
 * `json_schema` too becomes a system-prompt instruction (best effort).
 */
export function toConverseStreamInput(
  request: ChatRequest,
  options: ConverseMappingOptions = {},
): ConverseInput {
  return toConverseInput(request, options, true);
}

function toConverseInput(
  request: ChatRequest,
  options: ConverseMappingOptions,
  schemaAsInstruction: boolean,
): ConverseInput {
  const messages: Message[] = toAlternatingTurns(request.messages, toBlocks);
  const input: ConverseInput = { modelId: request.model, messages };
  const system = toSystem(request, schemaAsInstruction);
  if (system.length > 0) input.system = system;

  const maxTokens = request.max_tokens ?? options.defaultMaxTokens;
  const stopSequences = request.stop?.filter((s) => s.length > 0);
  const inference = {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { topP: request.top_p } : {}),
    ...(stopSequences?.length ? { stopSequences } : {}),
  };
  if (Object.keys(inference).length > 0) input.inferenceConfig = inference;

  const toolConfig = toToolConfig(request, messages);
  if (toolConfig) input.toolConfig = toolConfig;
  if (request.user) input.requestMetadata = { user: request.user };
  return input;
}

function toSystem(request: ChatRequest, schemaAsInstruction: boolean): SystemContentBlock[] {
  const texts = request.messages.filter((m) => m.role === 'system').map((m) => textOf(m.content));
  const format = request.response_format;
  if (format?.type === 'json_object') texts.push(JSON_OBJECT_INSTRUCTION);
  if (format?.type === 'json_schema' && schemaAsInstruction) texts.push(jsonSchemaInstruction(format));
  return texts.filter((text) => text.length > 0).map((text) => ({ text }));
}

function toBlocks(message: ChatMessage): ContentBlock[] {
  if (message.role === 'tool') {
    const text = textOf(message.content);
    return [{ toolResult: { toolUseId: answeredToolCallId(message), content: text ? [{ text }] : [] } }];
  }
  const blocks = contentBlocks(message.content);
  for (const call of message.role === 'assistant' ? (message.tool_calls ?? []) : []) {
    const input = asDocument(toolCallInput(call));
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input } });
  }
  return blocks;
}

function contentBlocks(content: ChatMessage['content']): ContentBlock[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return content.flatMap((part): ContentBlock[] => {
    if (part.type === 'text') return part.text ? [{ text: part.text }] : [];
    return [toImage(part)];
  });
}

function toImage(part: Extract<ContentPart, { type: 'image_url' }>): ContentBlock {
  const { url } = part.image_url;
  const inline = parseDataUrl(url);
  if (inline) {
    const format = IMAGE_FORMATS[inline.mediaType];
    if (!format) throw new RequestMappingError(`image type ${inline.mediaType} is not supported by Bedrock`);
    return { image: { format, source: { bytes: Buffer.from(inline.base64, 'base64') } } };
  }
  if (url.startsWith('s3://')) {
    const extension = url.split('.').at(-1)?.toLowerCase() ?? '';
    const format = IMAGE_FORMATS[`image/${extension}`];
    if (!format) throw new RequestMappingError(`cannot tell the image format of ${url} from its extension`);
    return { image: { format, source: { s3Location: { uri: url } } } };
  }
  throw new RequestMappingError('Bedrock takes images only as data: URLs or s3:// URLs');
}

/**
 * Converse has no "none" tool choice. With `none`, tools are left out, unless the conversation already
 * holds tool blocks: Bedrock then requires toolConfig, so tools stay and the model may still call one.
 */
function toToolConfig(request: ChatRequest, messages: Message[]): ToolConfiguration | undefined {
  if (!request.tools?.length) return undefined;
  const choice = request.tool_choice;
  if (choice === 'none' && !hasToolBlocks(messages)) return undefined;
  const tools = request.tools.map(toTool);
  const toolChoice = toToolChoice(choice);
  return toolChoice ? { tools, toolChoice } : { tools };
}

function toTool(tool: ToolDefinition): Tool {
  const schema = tool.function.parameters ?? { type: 'object', properties: {} };
  return {
    toolSpec: {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      inputSchema: { json: asDocument(schema) },
    },
  };
}

function toToolChoice(choice: ChatRequest['tool_choice']): BedrockToolChoice | undefined {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (choice === undefined || choice === 'none') return undefined;
  return { tool: { name: choice.function.name } };
}

function hasToolBlocks(messages: Message[]): boolean {
  return messages.some((m) =>
    m.content?.some((block) => block.toolUse !== undefined || block.toolResult !== undefined),
  );
}

/** Smithy's document type (JSON values) as the SDK names it for tool input. */
type DocumentType = NonNullable<ToolUseBlock['input']>;

/** Parsed arguments and JSON schemas are JSON values, hence documents; TypeScript can't see it for `unknown`. */
function asDocument(value: Record<string, unknown>): DocumentType {
  return value as DocumentType;
}
