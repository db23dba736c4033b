import type { ChatResponse } from '@app/llm';
import type { ChatCompletionDto } from '../dto/chat-completion-response.dto';
import type { LegacyCompletionDto } from '../dto/legacy-completion-response.dto';

/** The internal response as OpenAI's `chat.completion` object. */
export function toCompletionBody(response: ChatResponse): ChatCompletionDto {
  return {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: response.model,
    choices: response.choices.map((choice) => ({
      index: choice.index,
      message: {
        role: 'assistant',
        content: choice.message.content,
        ...(choice.message.tool_calls?.length ? { tool_calls: choice.message.tool_calls } : {}),
        refusal: null,
      },
      logprobs: null,
      finish_reason: choice.finish_reason,
    })),
    usage: response.usage,
  };
}

/** The legacy route's answer: OpenAI's `text_completion` shape plus the vendor type that served. */
export function toLegacyBody(response: ChatResponse, provider: string): LegacyCompletionDto {
  return {
    id: response.id,
    object: 'text_completion',
    created: response.created,
    model: response.model,
    provider,
    choices: response.choices.map((choice) => ({
      index: choice.index,
      text: choice.message.content ?? '',
      logprobs: null,
      finish_reason: choice.finish_reason,
    })),
    usage: response.usage,
  };
}
