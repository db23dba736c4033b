import { SetMetadata } from '@nestjs/common';

export const ENFORCE_TOKEN_BUDGET = 'limits:enforce-token-budget';

/**
 * Refuse (429) a caller whose tokens this minute or today have reached their limit, checked by the
 * throttler guard in the same Redis round-trip as the request rate. Put it on routes that spend tokens
 * (chat); record what they spent with `CallerLimitsService.recordTokens`.
 */
export const EnforceTokenBudget = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ENFORCE_TOKEN_BUDGET, true);
