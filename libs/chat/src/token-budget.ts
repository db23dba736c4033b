import { CallerLimitsService } from '@app/auth';
import { Injectable } from '@nestjs/common';
import type { ChatCaller } from './chat-context';

/** The caller's token allowance: checked before a request reaches a vendor, charged after. */
export interface TokenBudget {
  /** Rejects (DomainException 429 with Retry-After) when the caller has no tokens left. */
  assertWithinBudget(caller: ChatCaller): Promise<void>;
  /** Fire-and-forget: never throws, never awaited. */
  recordTokens(caller: ChatCaller, tokens: number): void;
}

export const TOKEN_BUDGET = Symbol('TOKEN_BUDGET');

/** Per-user/per-key budgets of the auth module (shared through Redis); callers without a principal are free. */
@Injectable()
export class CallerTokenBudget implements TokenBudget {
  constructor(private readonly limits: CallerLimitsService) {}

  assertWithinBudget(caller: ChatCaller): Promise<void> {
    return caller.principal ? this.limits.assertWithinTokenBudget(caller.principal) : Promise.resolve();
  }

  recordTokens(caller: ChatCaller, tokens: number): void {
    if (caller.principal) void this.limits.recordTokens(caller.principal, tokens);
  }
}
