import type { CachedCompletion } from '../cached-completion';

/** One stored completion, as the cache specs write and read it. */
export const CACHED_COMPLETION: CachedCompletion = {
  response: {
    id: 'chatcmpl-1',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Paris' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  },
  provider: 'openai',
  deploymentId: 'openai-main',
  model: 'gpt-4o',
  storedAt: 1_700_000_000_000,
};
