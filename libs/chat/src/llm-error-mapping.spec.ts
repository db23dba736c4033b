import { isRoutingFailure, isUpstreamFailure, mapError } from '@app/common';
import {
  DeadlineExceededError,
  DeploymentNotFoundError,
  ModelNotFoundError,
  NoDeploymentAvailableError,
  ProviderError,
} from '@app/llm';

/** libs/common maps libs/llm's errors by their shape; this holds the two libraries to that contract. */
describe('the errors ChatService lets through, as the api answers them', () => {
  it('recognises every router error and the vendor error by shape', () => {
    const routing = [
      new ModelNotFoundError('m'),
      new DeploymentNotFoundError('d', 'm', true),
      new DeadlineExceededError('m', 100, []),
      new NoDeploymentAvailableError({ model: 'm', rateLimited: true, attempts: [], summary: 's' }),
    ];
    for (const error of routing) {
      expect(isRoutingFailure(error)).toBe(true);
      expect(isUpstreamFailure(error)).toBe(false);
    }
    const vendor = new ProviderError({
      code: 'bad_request',
      status: 400,
      message: 'bad',
      provider: 'openai',
      deploymentId: 'd',
    });
    expect(isUpstreamFailure(vendor)).toBe(true);
    expect(isRoutingFailure(vendor)).toBe(false);
  });

  it('answers with the statuses, codes and Retry-After the router meant', () => {
    expect(mapError(new ModelNotFoundError('gpt-5'))).toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
    });
    expect(
      mapError(
        new NoDeploymentAvailableError({
          model: 'm',
          rateLimited: true,
          retryAfterMs: 1_200,
          attempts: [],
          summary: 's',
        }),
      ),
    ).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: 1_200 });
    expect(
      mapError(
        new NoDeploymentAvailableError({
          model: 'm',
          rateLimited: false,
          retryAfterMs: 30_000,
          attempts: [],
          summary: 's',
        }),
      ),
    ).toMatchObject({ status: 503, code: 'no_deployment_available', retryAfterMs: 30_000 });
    expect(mapError(new DeadlineExceededError('m', 100, []))).toMatchObject({
      status: 504,
      code: 'deadline_exceeded',
    });
    expect(
      mapError(
        new ProviderError({
          code: 'context_length_exceeded',
          status: 400,
          message: "This model's maximum context length is 8192 tokens",
          provider: 'openai',
          deploymentId: 'd',
        }),
      ),
    ).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      message: expect.stringContaining('8192'),
    });
  });
});
