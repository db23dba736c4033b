import type { CallerLimitsConfig } from '@app/config';
import type { Principal } from '../principal/principal';

/** The limits that apply to one caller; 0 = unlimited. */
export interface CallerLimits {
  rpm: number;
  tpm: number;
  tpd: number;
}

/**
 * Each limit is the caller's override when set (an API key's own, else its owner's, as resolved when the
 * key was authenticated), otherwise the role's default from config. Anonymous callers (public routes)
 * get `publicRpm` per IP and no token allowance.
 */
export function resolveCallerLimits(
  principal: Principal | undefined,
  config: CallerLimitsConfig,
): CallerLimits {
  if (!principal) return { rpm: config.publicRpm, tpm: 0, tpd: 0 };
  const defaults = config[principal.role];
  const overrides = principal.limitOverrides ?? {};
  return {
    rpm: overrides.rpm ?? defaults.rpm,
    tpm: overrides.tpm ?? defaults.tpm,
    tpd: overrides.tpd ?? defaults.tpd,
  };
}

/** Whose counters a request is charged to: a key has its own, separate from its owner's sessions. */
export function trackerFor(principal: Principal): string {
  return principal.kind === 'api_key' && principal.apiKeyId
    ? `key:${principal.apiKeyId}`
    : `user:${principal.userId}`;
}
