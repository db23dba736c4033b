import { DomainException } from '@app/common';
import { readCacheDirectives, readRoutingHints } from './request-hints';

function refusal(work: () => unknown): DomainException {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainException) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readRoutingHints', () => {
  it('reads the pin, provider, fallback and timeout headers', () => {
    expect(
      readRoutingHints({
        'x-gateway-deployment': 'azure-west',
        'x-gateway-provider': 'azure',
        'x-gateway-fallback': 'FALSE',
        'x-gateway-timeout-ms': '2500',
      }),
    ).toEqual({ deploymentId: 'azure-west', provider: 'azure', fallback: false, timeoutMs: 2_500 });
    expect(readRoutingHints({})).toEqual({});
  });

  it('lets the legacy body’s provider win over the header', () => {
    expect(readRoutingHints({ 'x-gateway-provider': 'openai' }, 'bedrock')).toEqual({ provider: 'bedrock' });
  });

  it.each([
    ['x-gateway-fallback', 'maybe'],
    ['x-gateway-provider', 'acme'],
    ['x-gateway-timeout-ms', '0'],
    ['x-gateway-timeout-ms', '1.5'],
    ['x-gateway-timeout-ms', '99999999'],
    ['x-gateway-deployment', 'has spaces'],
  ])('refuses %s: %s with a 400 naming the header', (name, value) => {
    expect(refusal(() => readRoutingHints({ [name]: value }))).toMatchObject({
      status: 400,
      code: 'validation_failed',
      param: name,
    });
  });
});

describe('readCacheDirectives', () => {
  it('reads Cache-Control no-cache and no-store among other directives', () => {
    expect(readCacheDirectives({ 'cache-control': 'max-age=0, No-Cache' })).toEqual({ noCache: true });
    expect(readCacheDirectives({ 'cache-control': 'no-store' })).toEqual({ noStore: true });
    expect(readCacheDirectives({})).toEqual({});
  });

  it('x-gateway-cache: on opts in, off turns the cache off for the request', () => {
    expect(readCacheDirectives({ 'x-gateway-cache': 'on' })).toEqual({ optIn: true });
    expect(readCacheDirectives({ 'x-gateway-cache': 'off' })).toEqual({ noCache: true, noStore: true });
    expect(refusal(() => readCacheDirectives({ 'x-gateway-cache': 'sometimes' })).param).toBe(
      'x-gateway-cache',
    );
  });
});
