import { MESSAGE_ROLES } from '../dto/chat-message.dto';
import { messageContentProblem, stopProblem, toolChoiceProblem } from './message-content';

/**
 * A precompiled-by-hand check of the chat body, run before class-validator (which costs more than the
 * rest of the request path). It only ever answers "certainly valid": true means the ValidationPipe
 * (whitelist, forbidNonWhitelisted, no conversion) would accept the body as it is; false means "not
 * sure", and the ValidationPipe decides and writes the error messages. So the fast path can never
 * accept a body the DTOs refuse, nor change a 400's wording. A property test holds it to that
 * (chat-body-fast-check.spec.ts); keep the two in step when a DTO changes.
 *
 * Lengths: class-validator counts a surrogate pair as one character, so `length <= max` in UTF-16 units
 * is the safe side, and a non-empty string always has a length of at least 1 there.
 */
type Json = Record<string, unknown>;
type Rule = (value: unknown) => boolean;

const ROLES: ReadonlySet<unknown> = new Set(MESSAGE_ROLES);
const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isInteger = (value: unknown): value is number => Number.isInteger(value);
const maxLength =
  (max: number): Rule =>
  (value) =>
    typeof value === 'string' && value.length <= max;
const between =
  (min: number, max: number): Rule =>
  (value) =>
    isFiniteNumber(value) && value >= min && value <= max;
const integerAtLeast =
  (min: number): Rule =>
  (value) =>
    isInteger(value) && value >= min;
const isNonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

/** Every key known, every present value passing its rule; absent or null optional fields are skipped. */
function checkObject(
  value: Json,
  rules: Readonly<Record<string, Rule>>,
  required: readonly string[],
): boolean {
  for (const key of required) if (value[key] === undefined || value[key] === null) return false;
  for (const key in value) {
    if (!Object.hasOwn(rules, key)) return false;
    const field = value[key];
    if (field === undefined || field === null) continue;
    if (!rules[key](field)) return false;
  }
  return true;
}

const TOOL_CALL_FUNCTION_RULES: Record<string, Rule> = { name: isNonEmptyString, arguments: isString };
const TOOL_CALL_RULES: Record<string, Rule> = {
  id: isNonEmptyString,
  type: (value) => value === 'function',
  function: (value) => isRecord(value) && checkObject(value, TOOL_CALL_FUNCTION_RULES, ['name', 'arguments']),
};

function isToolCall(value: unknown): boolean {
  return isRecord(value) && checkObject(value, TOOL_CALL_RULES, ['id', 'type', 'function']);
}

const MESSAGE_RULES: Record<string, Rule> = {
  role: (value) => ROLES.has(value),
  // content depends on the whole message: checked in isMessage
  content: () => true,
  name: maxLength(256),
  tool_calls: (value) => Array.isArray(value) && value.every(isToolCall),
  tool_call_id: isNonEmptyString,
};

function isMessage(value: unknown): boolean {
  if (!isRecord(value) || !checkObject(value, MESSAGE_RULES, ['role'])) return false;
  // tool_call_id is validated on tool messages and whenever it is present, null included
  if ((value.role === 'tool' || value.tool_call_id !== undefined) && !isNonEmptyString(value.tool_call_id)) {
    return false;
  }
  return messageContentProblem(value.content, value) === undefined;
}

const FUNCTION_RULES: Record<string, Rule> = {
  name: (value) => typeof value === 'string' && NAME_PATTERN.test(value),
  description: maxLength(4096),
  parameters: isRecord,
  strict: isBoolean,
};
const TOOL_RULES: Record<string, Rule> = {
  type: (value) => value === 'function',
  function: (value) => isRecord(value) && checkObject(value, FUNCTION_RULES, ['name']),
};

function isTool(value: unknown): boolean {
  return isRecord(value) && checkObject(value, TOOL_RULES, ['type', 'function']);
}

/** Only the common formats; json_schema goes to the ValidationPipe. */
function isSimpleResponseFormat(value: unknown): boolean {
  return (
    isRecord(value) &&
    (value.type === 'text' || value.type === 'json_object') &&
    Object.keys(value).length === 1
  );
}

const BODY_RULES: Record<string, Rule> = {
  model: (value) => typeof value === 'string' && value.length > 0 && value.length <= 256,
  messages: (value) =>
    Array.isArray(value) && value.length > 0 && value.length <= 2048 && value.every(isMessage),
  stream: isBoolean,
  stream_options: (value) => isRecord(value) && checkObject(value, { include_usage: isBoolean }, []),
  temperature: between(0, 2),
  top_p: between(0, 1),
  max_tokens: integerAtLeast(1),
  max_completion_tokens: integerAtLeast(1),
  n: (value) => value === 1,
  stop: (value) => stopProblem(value) === undefined,
  tools: (value) => Array.isArray(value) && value.length <= 128 && value.every(isTool),
  tool_choice: (value) => toolChoiceProblem(value) === undefined,
  parallel_tool_calls: isBoolean,
  response_format: isSimpleResponseFormat,
  seed: isInteger,
  user: maxLength(256),
  presence_penalty: between(-2, 2),
  frequency_penalty: between(-2, 2),
  logit_bias: isRecord,
  logprobs: (value) => value === false,
  top_logprobs: (value) => isInteger(value) && value >= 0 && value <= 20,
  metadata: isRecord,
  store: isBoolean,
};

/** True only when ChatCompletionRequestDto's validation would certainly pass (see above). */
export function isCertainlyValidChatBody(body: unknown): boolean {
  return isRecord(body) && checkObject(body, BODY_RULES, ['model', 'messages']);
}
