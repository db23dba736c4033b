import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { TEST_JWT_SECRET } from './test-config';

/**
 * An access JWT the api accepts under testConfig()'s defaults, without a user row or a sign-in: for
 * e2e tests of routes that only need a caller (JWT requests never read the database).
 */
export function signTestAccessToken(
  opts: {
    userId?: string;
    role?: 'user' | 'admin';
    limits?: { rpm?: number; tpm?: number; tpd?: number };
  } = {},
): string {
  return new JwtService().sign(
    {
      typ: 'access',
      role: opts.role ?? 'user',
      sid: randomUUID(),
      ...(opts.limits ? { lim: opts.limits } : {}),
    },
    {
      secret: TEST_JWT_SECRET,
      algorithm: 'HS256',
      issuer: 'manus-platform-backend',
      audience: 'manus-platform',
      keyid: 'k1',
      subject: opts.userId ?? randomUUID(),
      expiresIn: 900,
    },
  );
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
