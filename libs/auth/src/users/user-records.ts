import { DomainException } from '@app/common';
import type { Repository } from 'typeorm';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../passwords/password-hasher';
import { hashPassword } from '../passwords/scrypt-hash';
import type { LimitOverrides, Role } from '../principal/principal';
import { isUniqueViolation } from '../shared/postgres-errors';
import { normalizeEmail } from './email';
import { User } from './user.entity';

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  disabled?: boolean;
  limits?: LimitOverrides;
}

/**
 * Inserts a user with a freshly hashed password; `'duplicate'` when the email is taken. Shared by the
 * users service, the bootstrap admin and the `user:create` command.
 */
export async function insertUser(users: Repository<User>, input: NewUser): Promise<User | 'duplicate'> {
  assertAcceptablePassword(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    const result = await users.insert({
      email: normalizeEmail(input.email),
      passwordHash,
      role: input.role,
      disabled: input.disabled ?? false,
      rpmLimit: input.limits?.rpm ?? null,
      tpmLimit: input.limits?.tpm ?? null,
      tpdLimit: input.limits?.tpd ?? null,
    });
    const id = (result.identifiers[0] as { id: string }).id;
    return await users.findOneByOrFail({ id });
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
}

export function assertAcceptablePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw DomainException.badRequest(
      `Password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long`,
    );
  }
}
