import { isRole, type LimitOverrides, type Principal, type Role } from '../principal/principal';

export const ACCESS_TOKEN_TYPE = 'access';

/** The private claims of an access token (the registered ones, sub/iss/aud/exp/iat, are set by @nestjs/jwt). */
export interface AccessTokenClaims {
  typ: typeof ACCESS_TOKEN_TYPE;
  role: Role;
  /** Refresh-token family (session) this token was issued for. */
  sid: string;
  /** The user's limit overrides as of issue, so a JWT request needs no database read. */
  lim?: LimitOverrides;
}

export interface AccessTokenSubject {
  userId: string;
  role: Role;
  sessionId: string;
  limitOverrides?: LimitOverrides;
}

export function claimsFor(subject: AccessTokenSubject): AccessTokenClaims {
  const lim = compactOverrides(subject.limitOverrides);
  return { typ: ACCESS_TOKEN_TYPE, role: subject.role, sid: subject.sessionId, ...(lim ? { lim } : {}) };
}

/** The principal a verified token stands for, or undefined when its claims are not ours. */
export function principalFromClaims(payload: unknown): Principal | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const claims = payload as Record<string, unknown>;
  if (claims.typ !== ACCESS_TOKEN_TYPE || !isRole(claims.role)) return undefined;
  if (typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return undefined;
  const limitOverrides = parseOverrides(claims.lim);
  if (limitOverrides === null) return undefined;
  return {
    kind: 'user',
    userId: claims.sub,
    role: claims.role,
    scopes: 'all',
    ...(limitOverrides ? { limitOverrides } : {}),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIMIT_NAMES = ['rpm', 'tpm', 'tpd'] as const;

function compactOverrides(overrides: LimitOverrides | undefined): LimitOverrides | undefined {
  if (!overrides) return undefined;
  const out: LimitOverrides = {};
  for (const name of LIMIT_NAMES) {
    const value = overrides[name];
    if (typeof value === 'number') out[name] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** undefined = no overrides, null = malformed. */
function parseOverrides(value: unknown): LimitOverrides | undefined | null {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object') return null;
  const raw = value as Record<string, unknown>;
  const out: LimitOverrides = {};
  for (const [name, limit] of Object.entries(raw)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) return null;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) return null;
    out[name as (typeof LIMIT_NAMES)[number]] = limit;
  }
  return out;
}
