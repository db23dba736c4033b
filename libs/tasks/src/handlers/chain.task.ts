import type { ChatMessage, ChatRequest, Usage } from '@app/llm';
import { assignNumber, requiredText } from './chat-request.input';
import { completionText } from './completion-text';
import { InputProblems, isPlainObject, pathOf, type PlainObject } from './input-problems';
import type { TaskHandler, TaskLimits } from './task-handler';

export interface ChainStepInput {
  /** The user message; `{{previous}}` is replaced by the previous step's answer ('' for the first step). */
  prompt: string;
  /** Overrides the chain's model for this step. */
  model?: string;
  temperature?: number;
  max_tokens?: number;
}

export interface ChainTaskInput {
  model: string;
  /** System message sent with every step. */
  system?: string;
  temperature?: number;
  max_tokens?: number;
  steps: ChainStepInput[];
}

export interface ChainStepResult {
  /** The prompt as sent, placeholders filled in. */
  prompt: string;
  output: string;
  model: string;
  usage: Usage;
}

export interface ChainTaskResult {
  /** The steps finished so far, in order; the last one's output is `output`. */
  steps: ChainStepResult[];
  output: string;
}

const PREVIOUS = /\{\{\s*previous\s*\}\}/g;
const INPUT_KEYS = ['model', 'system', 'temperature', 'max_tokens', 'steps'] as const;
const STEP_KEYS = ['prompt', 'model', 'temperature', 'max_tokens'] as const;

/**
 * `chain`: prompts run one after another, each able to use the previous answer (`{{previous}}`).
 * Finished steps are kept as the partial result, so a retried or taken-over task resumes after them.
 */
export const chainTask: TaskHandler<ChainTaskInput, ChainTaskResult> = {
  type: 'chain',

  parseInput(input, limits) {
    const problems = new InputProblems();
    if (!isPlainObject(input)) {
      problems.add('input', 'must be an object');
      problems.throwIfAny();
    }
    const value = input as PlainObject;
    problems.rejectUnknownKeys(value, INPUT_KEYS, '');
    const chain: ChainTaskInput = { model: requiredText(value, 'model', '', problems) ?? '', steps: [] };
    if (value.system !== undefined) {
      if (typeof value.system === 'string') chain.system = value.system;
      else problems.add('system', 'must be a string');
    }
    assignNumber(chain, 'temperature', value, '', problems, { min: 0, max: 2 });
    assignNumber(chain, 'max_tokens', value, '', problems, { min: 1, integer: true });
    chain.steps = parseSteps(value.steps, limits, problems);
    problems.throwIfAny();
    return chain;
  },

  totalSteps: (input) => input.steps.length,

  async run(input, context) {
    const total = input.steps.length;
    const steps = keptSteps(context.resumeFrom, total);
    for (let i = steps.length; i < total; i++) {
      context.signal.throwIfAborted();
      const previous = steps.at(-1)?.output ?? '';
      const request = stepRequest(input, input.steps[i], previous);
      const response = await context.chat.complete(request);
      const prompt = request.messages.at(-1)!.content as string;
      steps.push({ prompt, output: completionText(response), model: response.model, usage: response.usage });
      await context.checkpoint({ done: steps.length, total }, resultOf(steps));
    }
    return resultOf(steps);
  },
};

function stepRequest(chain: ChainTaskInput, step: ChainStepInput, previous: string): ChatRequest {
  const messages: ChatMessage[] = chain.system ? [{ role: 'system', content: chain.system }] : [];
  // A function replacement: `$` sequences in the previous answer stay literal.
  messages.push({ role: 'user', content: step.prompt.replace(PREVIOUS, () => previous) });
  const request: ChatRequest = { model: step.model ?? chain.model, messages };
  const temperature = step.temperature ?? chain.temperature;
  const maxTokens = step.max_tokens ?? chain.max_tokens;
  if (temperature !== undefined) request.temperature = temperature;
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  return request;
}

function resultOf(steps: ChainStepResult[]): ChainTaskResult {
  return { steps: [...steps], output: steps.at(-1)?.output ?? '' };
}

/** The steps an earlier run finished, when its partial result has the expected shape. */
function keptSteps(partial: unknown, total: number): ChainStepResult[] {
  if (!isPlainObject(partial) || !Array.isArray(partial.steps)) return [];
  const kept: ChainStepResult[] = [];
  for (const step of (partial.steps as unknown[]).slice(0, total)) {
    if (!isPlainObject(step) || typeof step.output !== 'string' || typeof step.prompt !== 'string') break;
    kept.push(step as unknown as ChainStepResult);
  }
  return kept;
}

function parseSteps(value: unknown, limits: TaskLimits, problems: InputProblems): ChainStepInput[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > limits.chainMaxSteps) {
    problems.add('steps', `must be an array of 1 to ${limits.chainMaxSteps} steps`);
    return [];
  }
  return value.flatMap((raw, i) => {
    const path = pathOf('steps', i);
    if (!isPlainObject(raw)) {
      problems.add(path, 'must be an object');
      return [];
    }
    problems.rejectUnknownKeys(raw, STEP_KEYS, path);
    const step: ChainStepInput = { prompt: requiredText(raw, 'prompt', path, problems) ?? '' };
    if (raw.model !== undefined) {
      const model = requiredText(raw, 'model', path, problems);
      if (model) step.model = model;
    }
    assignNumber(step, 'temperature', raw, path, problems, { min: 0, max: 2 });
    assignNumber(step, 'max_tokens', raw, path, problems, { min: 1, integer: true });
    return [step];
  });
}
