import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiProduces,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import { HINT_HEADERS, RESULT_HEADERS } from './gateway-headers';

const RESULT_HEADER_DOCS = {
  [RESULT_HEADERS.provider]: { description: 'Vendor type that served', schema: { type: 'string' } },
  [RESULT_HEADERS.deployment]: { description: 'Deployment that served', schema: { type: 'string' } },
  [RESULT_HEADERS.model]: { description: 'Public model that served', schema: { type: 'string' } },
  [RESULT_HEADERS.attempts]: {
    description: 'Vendor calls made (retries and fallbacks included; 0 on a cache hit)',
    schema: { type: 'integer' },
  },
  [RESULT_HEADERS.cache]: {
    description: 'hit: answered from the cache; miss: looked up, not found; bypass: not consulted',
    schema: { type: 'string', enum: ['hit', 'miss', 'bypass'] },
  },
  'x-request-id': {
    description: 'This request id (also in logs and error bodies)',
    schema: { type: 'string' },
  },
};

const ERROR_DOCS = 'The error body: {"error":{code,message,requestId,details?}}';

/** Swagger for every chat route: the hint headers in, the routing headers out, the errors. */
export function ApiChatRoute(ok: ApiResponseOptions, openAiErrors: boolean): MethodDecorator {
  const errors = openAiErrors ? `${ERROR_DOCS}, plus OpenAI's "type" and "param"` : ERROR_DOCS;
  return applyDecorators(
    ApiHeader({
      name: HINT_HEADERS.deployment,
      required: false,
      description: 'Pin: only this deployment (it must serve the model)',
    }),
    ApiHeader({
      name: HINT_HEADERS.provider,
      required: false,
      description: 'Pin: only deployments of this vendor type (its highest-priority one)',
    }),
    ApiHeader({
      name: HINT_HEADERS.fallback,
      required: false,
      description: 'false: no fallback to other deployments (retries on the first still happen)',
    }),
    ApiHeader({
      name: HINT_HEADERS.timeoutMs,
      required: false,
      description: 'Deadline for this request across attempts, at most routing.requestTimeoutMs',
    }),
    ApiHeader({
      name: HINT_HEADERS.cache,
      required: false,
      description: 'on: cache even a non-deterministic request; off: neither read nor write the cache',
    }),
    ApiHeader({
      name: 'cache-control',
      required: false,
      description: 'no-cache: do not answer from the cache; no-store: do not store the answer',
    }),
    ApiResponse({ status: 200, ...ok, headers: RESULT_HEADER_DOCS } as ApiResponseOptions),
    ApiBadRequestResponse({ description: `Invalid body or hint header; names the field. ${errors}` }),
    ApiNotFoundResponse({ description: `model_not_found, or a pinned deployment that does not serve it` }),
    ApiTooManyRequestsResponse({
      description: 'rate_limited (Retry-After): every deployment is at capacity',
    }),
    ApiServiceUnavailableResponse({ description: 'no_deployment_available (Retry-After when known)' }),
    ApiGatewayTimeoutResponse({ description: 'deadline_exceeded or upstream_timeout' }),
  );
}

export const ApiJsonAndEventStream = (): MethodDecorator =>
  applyDecorators(ApiProduces('application/json', 'text/event-stream'));
