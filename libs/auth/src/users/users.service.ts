import { DomainException, ErrorCode } from '@app/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator';
import type { LimitOverrides, Principal, Role } from '../principal/principal';
import { RefreshTokenService } from '../tokens/refresh-token.service';
import { normalizeEmail } from './email';
import { insertUser, type NewUser } from './user-records';
import { User } from './user.entity';

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  /** null clears an override (back to the role's default). */
  limits?: LimitOverrides;
}

export interface Page<T> {
  items: T[];
  total: number;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly refreshTokens: RefreshTokenService,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  async create(input: NewUser): Promise<User> {
    const user = await insertUser(this.users, input);
    if (user === 'duplicate') {
      throw new DomainException({
        status: 409,
        code: ErrorCode.Conflict,
        message: 'A user with this email already exists',
      });
    }
    return user;
  }

  /** For sign-in only: the one read that includes the password hash. */
  findForSignIn(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  async list(page: { limit: number; offset: number }): Promise<Page<User>> {
    const [items, total] = await this.users.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }

  /**
   * Disabling a user also ends every session and, on this instance at once, every cached API key. An
   * admin cannot disable or demote themselves (so the last admin cannot lock everyone out by mistake).
   */
  async update(actor: Principal, id: string, patch: UserPatch): Promise<User> {
    if (id === actor.userId && (patch.disabled === true || (patch.role && patch.role !== actor.role))) {
      throw DomainException.badRequest('You cannot disable yourself or change your own role');
    }
    const user = await this.users.findOneBy({ id });
    if (!user) throw DomainException.notFound('User');
    if (patch.role !== undefined) user.role = patch.role;
    if (patch.disabled !== undefined) user.disabled = patch.disabled;
    if (patch.limits?.rpm !== undefined) user.rpmLimit = patch.limits.rpm;
    if (patch.limits?.tpm !== undefined) user.tpmLimit = patch.limits.tpm;
    if (patch.limits?.tpd !== undefined) user.tpdLimit = patch.limits.tpd;
    const saved = await this.users.save(user);
    if (patch.disabled) await this.refreshTokens.revokeAllForUser(id);
    this.apiKeys.forgetUser(id);
    return saved;
  }

  /** Creates the user unless one with this email exists (several api instances may race: no error then). */
  async createUnlessExists(input: NewUser): Promise<'created' | 'exists'> {
    if (await this.users.existsBy({ email: normalizeEmail(input.email) })) return 'exists';
    return (await insertUser(this.users, input)) === 'duplicate' ? 'exists' : 'created';
  }
}
