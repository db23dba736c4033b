import type { Principal } from '@app/auth';
import type { ChatCaller } from '@app/chat';

/** The authenticated principal as ChatService's caller: keyed (cache) and charged (tokens) per user. */
export function callerFor(principal: Principal): ChatCaller {
  return { id: principal.userId, principal };
}
