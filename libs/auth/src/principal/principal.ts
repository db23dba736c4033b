export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What an API key may be used for; a user signed in with a JWT has every scope. */
export const API_KEY_SCOPES = ['chat', 'tasks', 'analytics:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Per-user or per-key limits that replace the role's defaults; absent or null = the role's default, 0 = unlimited. */
export interface LimitOverrides {
  rpm?: number | null;
  tpm?: number | null;
  tpd?: number | null;
}

/** Who is calling: set on the request by the auth guard, read with `@CurrentPrincipal()`. */
export interface Principal {
  kind: 'user' | 'api_key';
  userId: string;
  role: Role;
  scopes: ApiKeyScope[] | 'all';
  apiKeyId?: string;
  /** Limits set on this user (JWT: as of sign-in) or key (key's own, else its owner's). */
  limitOverrides?: LimitOverrides;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isApiKeyScope(value: unknown): value is ApiKeyScope {
  return typeof value === 'string' && (API_KEY_SCOPES as readonly string[]).includes(value);
}
