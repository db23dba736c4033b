import { DomainException, ErrorCode } from '@app/common';

/** 401 for a bearer credential (JWT or API key) that is forged, expired, revoked or unknown. */
export function invalidToken(message: string): DomainException {
  return new DomainException({
    status: 401,
    code: ErrorCode.Unauthorized,
    message,
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}
