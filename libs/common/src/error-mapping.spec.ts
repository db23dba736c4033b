import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { DomainException } from './domain-exception';
import { ErrorCode } from './error-codes';
import { mapError } from './error-mapping';

describe('mapError', () => {
  it('keeps a domain exception as it is, with Retry-After data', () => {
    const mapped = mapError(
      new DomainException({
        status: 429,
        code: ErrorCode.RateLimited,
        message: 'slow down',
        retryAfterMs: 1500,
      }),
    );
    expect(mapped).toEqual({
      status: 429,
      code: 'rate_limited',
      message: 'slow down',
      details: undefined,
      retryAfterMs: 1500,
      headers: undefined,
      unexpected: false,
    });
  });

  it('turns validation pipe errors into validation_failed with details', () => {
    const mapped = mapError(
      new BadRequestException({ message: ['messages must not be empty'], error: 'Bad Request' }),
    );
    expect(mapped).toMatchObject({
      status: 400,
      code: 'validation_failed',
      details: ['messages must not be empty'],
    });
  });

  it("recognises Nest's unknown-route 404", () => {
    expect(mapError(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'route_not_found',
      message: 'No route: GET /x',
    });
    expect(mapError(new NotFoundException('Task not found'))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('maps 413 and Fastify parser errors', () => {
    expect(mapError(new PayloadTooLargeException())).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
    expect(
      mapError(Object.assign(new Error('x'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' })),
    ).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
    });
  });

  it('hides the details of anything unexpected behind a 500', () => {
    const mapped = mapError(new Error('connection string postgres://user:secret@db'));
    expect(mapped).toEqual({
      status: 500,
      code: 'internal_error',
      message: 'Internal server error',
      unexpected: true,
    });
  });
});
