import { BadRequestException } from '@nestjs/common';
import { DomainException } from './domain-exception';
import { ErrorCode } from './error-codes';
import { fieldOfValidationMessage, mapError } from './error-mapping';
import { errorBodyFor } from './error-reply';
import { isOpenAiRoute, openAiErrorType } from './openai-error-shape';

describe("OpenAI's error shape on /v1 routes", () => {
  it('applies to /v1 and below only', () => {
    expect(isOpenAiRoute('/v1/chat/completions')).toBe(true);
    expect(isOpenAiRoute('/v1/models?limit=2')).toBe(true);
    expect(isOpenAiRoute('/v1')).toBe(true);
    expect(isOpenAiRoute('/v10/x')).toBe(false);
    expect(isOpenAiRoute('/api/v1/completions')).toBe(false);
    expect(isOpenAiRoute('/chat/completions')).toBe(false);
  });

  it.each([
    [400, 'validation_failed', 'invalid_request_error'],
    [401, 'unauthorized', 'authentication_error'],
    [403, 'forbidden', 'permission_error'],
    [404, 'not_found', 'not_found_error'],
    [404, 'model_not_found', 'invalid_request_error'],
    [413, 'payload_too_large', 'invalid_request_error'],
    [429, 'rate_limited', 'rate_limit_error'],
    [500, 'internal_error', 'api_error'],
    [503, 'no_deployment_available', 'api_error'],
  ])('%i %s → type %s', (status, code, type) => {
    expect(openAiErrorType(status, code)).toBe(type);
  });

  it('adds type and param to the one body, keeping our fields', () => {
    const mapped = mapError(
      new DomainException({
        status: 400,
        code: ErrorCode.ValidationFailed,
        message: 'max_tokens too large',
        details: ['max_tokens too large'],
        param: 'max_tokens',
      }),
    );
    expect(errorBodyFor(mapped, 'req-1', true)).toEqual({
      error: {
        code: 'validation_failed',
        message: 'max_tokens too large',
        requestId: 'req-1',
        details: ['max_tokens too large'],
        type: 'invalid_request_error',
        param: 'max_tokens',
      },
    });
    expect(errorBodyFor(mapped, 'req-1', false)).toEqual({
      error: {
        code: 'validation_failed',
        message: 'max_tokens too large',
        requestId: 'req-1',
        details: ['max_tokens too large'],
      },
    });
    const withoutParam = mapError(DomainException.notFound('Task'));
    expect(errorBodyFor(withoutParam, 'req-2', true).error).toMatchObject({
      type: 'not_found_error',
      param: null,
    });
  });

  it("names the field of a validation failure, in OpenAI's notation", () => {
    const mapped = mapError(
      new BadRequestException({
        message: ['messages.0.role must be one of: system, user', 'temperature must be a number'],
      }),
    );
    expect(mapped).toMatchObject({
      code: 'validation_failed',
      param: 'messages[0].role',
      message: 'Request validation failed: messages.0.role must be one of: system, user (and 1 more problem)',
    });
  });

  it.each([
    ['messages.0.content.1.type must be one of: text', 'messages[0].content[1].type'],
    ['property reasoning_effort should not exist', 'reasoning_effort'],
    ['messages.2.property foo should not exist', 'messages[2].foo'],
    ['each value in stop must be a string', 'stop'],
    ['temperature must not be greater than 2', 'temperature'],
    ['', undefined],
  ])('%j → %s', (message, field) => {
    expect(fieldOfValidationMessage(message)).toBe(field);
  });
});
