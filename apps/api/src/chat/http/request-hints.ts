import type { CacheDirectives } from '@app/cache';
import type { RoutingHints } from '@app/chat';
import { DomainException, ErrorCode } from '@app/common';
import { PROVIDER_TYPES, type ProviderType } from '@app/config';
import type { IncomingHttpHeaders } from 'node:http';
import { HINT_HEADERS } from './gateway-headers';

const DEPLOYMENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_TIMEOUT_MS = 3_600_000;

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

function invalidHeader(name: string, expected: string): DomainException {
  const problem = `${name} header must be ${expected}`;
  return new DomainException({
    status: 400,
    code: ErrorCode.ValidationFailed,
    message: `Request validation failed: ${problem}`,
    details: [problem],
    param: name,
  });
}

/**
 * `x-gateway-deployment: <id>`, `x-gateway-provider: <type>`, `x-gateway-fallback: false`,
 * `x-gateway-timeout-ms: <ms>`. `provider` (the legacy body field) wins over the header.
 */
export function readRoutingHints(headers: IncomingHttpHeaders, provider?: ProviderType): RoutingHints {
  const hints: RoutingHints = {};
  const deployment = single(headers, HINT_HEADERS.deployment);
  if (deployment !== undefined) {
    if (!DEPLOYMENT_ID.test(deployment)) throw invalidHeader(HINT_HEADERS.deployment, 'a deployment id');
    hints.deploymentId = deployment;
  }
  const providerHeader = single(headers, HINT_HEADERS.provider);
  if (providerHeader !== undefined && !PROVIDER_TYPES.includes(providerHeader as ProviderType))
    throw invalidHeader(HINT_HEADERS.provider, `one of: ${PROVIDER_TYPES.join(', ')}`);
  const pinnedProvider = provider ?? (providerHeader as ProviderType | undefined);
  if (pinnedProvider !== undefined) hints.provider = pinnedProvider;
  const fallback = single(headers, HINT_HEADERS.fallback)?.toLowerCase();
  if (fallback !== undefined) {
    if (fallback !== 'true' && fallback !== 'false')
      throw invalidHeader(HINT_HEADERS.fallback, 'true or false');
    hints.fallback = fallback === 'true';
  }
  const timeout = single(headers, HINT_HEADERS.timeoutMs);
  if (timeout !== undefined) {
    const ms = /^\d{1,7}$/.test(timeout) ? Number(timeout) : Number.NaN;
    if (!(ms >= 1 && ms <= MAX_TIMEOUT_MS))
      throw invalidHeader(
        HINT_HEADERS.timeoutMs,
        `an integer number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
      );
    hints.timeoutMs = ms;
  }
  return hints;
}

/**
 * `Cache-Control: no-cache` (do not answer from the cache), `no-store` (do not store the answer);
 * `x-gateway-cache: on` caches a non-deterministic request, `off` neither reads nor writes.
 */
export function readCacheDirectives(headers: IncomingHttpHeaders): CacheDirectives {
  const directives: CacheDirectives = {};
  const cacheControl = single(headers, 'cache-control')?.toLowerCase();
  if (cacheControl) {
    for (const directive of cacheControl.split(',')) {
      const name = directive.trim();
      if (name === 'no-cache') directives.noCache = true;
      else if (name === 'no-store') directives.noStore = true;
    }
  }
  const gatewayCache = single(headers, HINT_HEADERS.cache)?.toLowerCase();
  if (gatewayCache !== undefined) {
    if (gatewayCache === 'on') directives.optIn = true;
    else if (gatewayCache === 'off') Object.assign(directives, { noCache: true, noStore: true });
    else throw invalidHeader(HINT_HEADERS.cache, 'on or off');
  }
  return directives;
}
