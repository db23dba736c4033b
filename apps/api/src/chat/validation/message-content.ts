/**
 * The rules OpenAI applies to a message's `content`, as plain functions (the class-validator decorators
 * wrap them). Each returns the problem as a sentence starting with the field's path, or undefined.
 */

const IMAGE_DETAILS = ['auto', 'low', 'high'];

interface MessageLike {
  role?: unknown;
  tool_calls?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function partProblem(part: unknown, path: string, imagesAllowed: boolean): string | undefined {
  if (!isRecord(part)) return `${path} must be an object`;
  if (part.type === 'text')
    return typeof part.text === 'string' ? undefined : `${path}.text must be a string`;
  if (part.type === 'image_url' && imagesAllowed) {
    const image = part.image_url;
    if (!isRecord(image) || typeof image.url !== 'string' || image.url.length === 0)
      return `${path}.image_url.url must be a non-empty string`;
    if (image.detail !== undefined && !IMAGE_DETAILS.includes(image.detail as string))
      return `${path}.image_url.detail must be one of: ${IMAGE_DETAILS.join(', ')}`;
    return undefined;
  }
  return `${path}.type must be one of: ${imagesAllowed ? 'text, image_url' : 'text'}`;
}

/** `content` of one message: a string, an array of parts, or null on an assistant message with tool calls. */
export function messageContentProblem(content: unknown, message: MessageLike): string | undefined {
  const hasToolCalls = Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
  if (content === null || content === undefined) {
    return message.role === 'assistant' && hasToolCalls
      ? undefined
      : 'content must be a string or an array of content parts (null only next to tool_calls)';
  }
  if (typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return 'content must be a string or an array of content parts';
  if (content.length === 0) return 'content must not be an empty array';
  const imagesAllowed = message.role === 'user';
  for (const [index, part] of content.entries()) {
    const problem = partProblem(part, `content.${index}`, imagesAllowed);
    if (problem) return problem;
  }
  return undefined;
}

const TOOL_CHOICE_MODES = ['none', 'auto', 'required'];

export function toolChoiceProblem(value: unknown): string | undefined {
  if (typeof value === 'string')
    return TOOL_CHOICE_MODES.includes(value)
      ? undefined
      : `tool_choice must be one of: ${TOOL_CHOICE_MODES.join(', ')}, or {"type":"function","function":{"name":...}}`;
  if (isRecord(value) && value.type === 'function' && isRecord(value.function)) {
    return typeof value.function.name === 'string' && value.function.name.length > 0
      ? undefined
      : 'tool_choice.function.name must be a non-empty string';
  }
  return `tool_choice must be one of: ${TOOL_CHOICE_MODES.join(', ')}, or {"type":"function","function":{"name":...}}`;
}

export const MAX_STOP_SEQUENCES = 4;

export function stopProblem(value: unknown): string | undefined {
  if (typeof value === 'string') return undefined;
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string'))
    return 'stop must be a string or an array of strings';
  return value.length > MAX_STOP_SEQUENCES
    ? `stop must have at most ${MAX_STOP_SEQUENCES} sequences`
    : undefined;
}
