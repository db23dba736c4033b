import { DomainException, ErrorCode } from '@app/common';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { assertOwnedOrNotFound, ownerFilterFor } from '../authorization/ownership';
import type { ApiKeyScope, LimitOverrides, Principal } from '../principal/principal';
import { isUniqueViolation } from '../shared/postgres-errors';
import { sha256Hex } from '../shared/secret-digest';
import { User } from '../users/user.entity';
import { newApiKey } from './api-key-format';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKey } from './api-key.entity';

export interface NewApiKey {
  name: string;
  scopes: ApiKeyScope[];
  /** Whose key: only an admin may name someone else. */
  userId?: string;
  expiresAt?: Date;
  /** Only an admin may set limits on a key. */
  limits?: LimitOverrides;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The whole key: returned once, at creation, and never stored. */
  key: string;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async create(actor: Principal, input: NewApiKey): Promise<CreatedApiKey> {
    const ownerId = input.userId ?? actor.userId;
    const isAdmin = actor.role === 'admin';
    if (ownerId !== actor.userId && !isAdmin)
      throw forbidden('Only an admin may create keys for other users');
    if (hasAnyLimit(input.limits) && !isAdmin) throw forbidden('Only an admin may set limits on a key');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw DomainException.badRequest('expiresAt must be in the future');
    }
    if (ownerId !== actor.userId && !(await this.users.existsBy({ id: ownerId }))) {
      throw DomainException.notFound('User');
    }
    for (let attempt = 0; ; attempt++) {
      const { prefix, key } = newApiKey();
      try {
        const result = await this.keys.insert({
          userId: ownerId,
          name: input.name,
          prefix,
          keyHash: sha256Hex(key),
          scopes: [...new Set(input.scopes)],
          expiresAt: input.expiresAt ?? null,
          rpmLimit: input.limits?.rpm ?? null,
          tpmLimit: input.limits?.tpm ?? null,
          tpdLimit: input.limits?.tpd ?? null,
        });
        const id = (result.identifiers[0] as { id: string }).id;
        return { apiKey: await this.keys.findOneByOrFail({ id }), key };
      } catch (error) {
        // 48 random prefix bits make a collision very unlikely; one retry makes it irrelevant.
        if (attempt > 0 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  /** The caller's keys; an admin sees everyone's, or one user's with `userId`. Newest first. */
  list(actor: Principal, userId?: string): Promise<ApiKey[]> {
    const owner = ownerFilterFor(actor, userId);
    return this.keys.find({
      where: owner === undefined ? {} : { userId: owner },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
  }

  /** Revokes a key (idempotent); someone else's key is "not found". */
  async revoke(actor: Principal, id: string): Promise<void> {
    const key = await this.keys.findOneBy({ id });
    assertOwnedOrNotFound(actor, key?.userId, 'API key');
    if (!key) return;
    if (!key.revokedAt) await this.keys.update({ id }, { revokedAt: () => 'now()' });
    this.authenticator.forget(key.prefix);
  }
}

function hasAnyLimit(limits: LimitOverrides | undefined): boolean {
  return !!limits && [limits.rpm, limits.tpm, limits.tpd].some((v) => v !== undefined && v !== null);
}

function forbidden(message: string): DomainException {
  return new DomainException({ status: 403, code: ErrorCode.Forbidden, message });
}
