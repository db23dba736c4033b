import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat } from '@app/llm';
import { InputProblems, isPlainObject, pathOf, type PlainObject } from './input-problems';

const REQUEST_KEYS = [
  'model',
  'messages',
  'temperature',
  'top_p',
  'max_tokens',
  'stop',
  'seed',
  'response_format',
] as const;
const MESSAGE_KEYS = ['role', 'content', 'name', 'tool_call_id'] as const;
const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
const MAX_MESSAGES = 1_000;
const MAX_STOP_SEQUENCES = 4;

interface NumberRule {
  min: number;
  max?: number;
  integer?: boolean;
}

/**
 * A chat completion request as a task carries it (the OpenAI shape without streaming or tools: a task
 * collects one answer per request). Returns the normalised request, or undefined after adding problems.
 */
export function parseChatRequest(
  value: unknown,
  path: string,
  problems: InputProblems,
): ChatRequest | undefined {
  if (!isPlainObject(value)) {
    problems.add(path || 'input', 'must be an object');
    return undefined;
  }
  problems.rejectUnknownKeys(value, REQUEST_KEYS, path);
  const model = requiredText(value, 'model', path, problems);
  const messages = parseMessages(value.messages, pathOf(path, 'messages'), problems);
  const request: ChatRequest = { model: model ?? '', messages: messages ?? [] };
  assignNumber(request, 'temperature', value, path, problems, { min: 0, max: 2 });
  assignNumber(request, 'top_p', value, path, problems, { min: 0, max: 1 });
  assignNumber(request, 'max_tokens', value, path, problems, { min: 1, integer: true });
  assignNumber(request, 'seed', value, path, problems, { min: Number.MIN_SAFE_INTEGER, integer: true });
  const stop = parseStop(value.stop, pathOf(path, 'stop'), problems);
  if (stop) request.stop = stop;
  const format = parseResponseFormat(value.response_format, pathOf(path, 'response_format'), problems);
  if (format) request.response_format = format;
  return model && messages ? request : undefined;
}

/** A non-empty string field; adds a problem and returns undefined otherwise. */
export function requiredText(
  value: PlainObject,
  key: string,
  path: string,
  problems: InputProblems,
): string | undefined {
  const text = value[key];
  if (typeof text === 'string' && text.trim().length > 0) return text;
  problems.add(pathOf(path, key), 'must be a non-empty string');
  return undefined;
}

/** An optional number within bounds, copied onto `target` when valid. */
export function assignNumber<T extends object>(
  target: T,
  key: keyof T & string,
  value: PlainObject,
  path: string,
  problems: InputProblems,
  rule: NumberRule,
): void {
  const raw = value[key];
  if (raw === undefined) return;
  const valid =
    typeof raw === 'number' &&
    Number.isFinite(raw) &&
    raw >= rule.min &&
    (rule.max === undefined || raw <= rule.max) &&
    (!rule.integer || Number.isInteger(raw));
  if (!valid) {
    const bounds = rule.max === undefined ? `at least ${rule.min}` : `between ${rule.min} and ${rule.max}`;
    const kind = rule.integer ? 'an integer' : 'a number';
    problems.add(
      pathOf(path, key),
      rule.min === Number.MIN_SAFE_INTEGER ? `must be ${kind}` : `must be ${kind} ${bounds}`,
    );
    return;
  }
  (target as Record<string, unknown>)[key] = raw;
}

function parseMessages(value: unknown, path: string, problems: InputProblems): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MESSAGES) {
    problems.add(path, `must be an array of 1 to ${MAX_MESSAGES} messages`);
    return undefined;
  }
  const messages = value.map((message, i) => parseMessage(message, pathOf(path, i), problems));
  return messages.every((m): m is ChatMessage => m !== undefined) ? messages : undefined;
}

function parseMessage(value: unknown, path: string, problems: InputProblems): ChatMessage | undefined {
  if (!isPlainObject(value)) {
    problems.add(path, 'must be an object');
    return undefined;
  }
  problems.rejectUnknownKeys(value, MESSAGE_KEYS, path);
  const role = ROLES.find((r) => r === value.role);
  if (!role) problems.add(pathOf(path, 'role'), `must be one of: ${ROLES.join(', ')}`);
  const content = parseContent(value.content, pathOf(path, 'content'), problems);
  for (const key of ['name', 'tool_call_id'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string')
      problems.add(pathOf(path, key), 'must be a string');
  }
  if (!role || content === undefined) return undefined;
  const message: ChatMessage = { role, content };
  if (typeof value.name === 'string') message.name = value.name;
  if (typeof value.tool_call_id === 'string') message.tool_call_id = value.tool_call_id;
  return message;
}

function parseContent(
  value: unknown,
  path: string,
  problems: InputProblems,
): string | ContentPart[] | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) {
    problems.add(path, 'must be a string or a non-empty array of content parts');
    return undefined;
  }
  const parts = value.map((part, i) => parseContentPart(part, pathOf(path, i), problems));
  return parts.every((p): p is ContentPart => p !== undefined) ? parts : undefined;
}

function parseContentPart(value: unknown, path: string, problems: InputProblems): ContentPart | undefined {
  if (isPlainObject(value) && value.type === 'text' && typeof value.text === 'string') {
    return { type: 'text', text: value.text };
  }
  if (isPlainObject(value) && value.type === 'image_url' && isPlainObject(value.image_url)) {
    const { url, detail } = value.image_url;
    const detailOk = detail === undefined || detail === 'auto' || detail === 'low' || detail === 'high';
    if (typeof url === 'string' && url.length > 0 && detailOk) {
      return { type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } };
    }
  }
  problems.add(path, 'must be {type:"text",text} or {type:"image_url",image_url:{url,detail?}}');
  return undefined;
}

function parseStop(value: unknown, path: string, problems: InputProblems): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (
    Array.isArray(list) &&
    list.length >= 1 &&
    list.length <= MAX_STOP_SEQUENCES &&
    list.every((s) => typeof s === 'string' && s.length > 0)
  ) {
    return list as string[];
  }
  problems.add(path, `must be a string or 1 to ${MAX_STOP_SEQUENCES} non-empty strings`);
  return undefined;
}

function parseResponseFormat(
  value: unknown,
  path: string,
  problems: InputProblems,
): ResponseFormat | undefined {
  if (value === undefined) return undefined;
  if (isPlainObject(value) && (value.type === 'text' || value.type === 'json_object'))
    return { type: value.type };
  if (isPlainObject(value) && value.type === 'json_schema' && isPlainObject(value.json_schema)) {
    const { name, schema, strict } = value.json_schema;
    if (
      typeof name === 'string' &&
      (schema === undefined || isPlainObject(schema)) &&
      (strict === undefined || typeof strict === 'boolean')
    ) {
      return { type: 'json_schema', json_schema: { name, schema, strict } };
    }
  }
  problems.add(
    path,
    'must be {type:"text"}, {type:"json_object"} or {type:"json_schema",json_schema:{name,...}}',
  );
  return undefined;
}
