import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, Repository, type EntityManager } from 'typeorm';
import { digestsEqual, sha256Hex } from '../shared/secret-digest';
import { User } from '../users/user.entity';
import { newRefreshToken, parseRefreshToken } from './refresh-token-format';
import { RefreshToken } from './refresh-token.entity';

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresInSeconds: number;
}

type RotationOutcome =
  | { kind: 'rotated'; user: User; refresh: IssuedRefreshToken }
  | { kind: 'reused'; userId: string; familyId: string }
  | { kind: 'invalid' };

/**
 * Opaque refresh tokens, stored as SHA-256 digests. Refreshing marks the presented token used and issues
 * its successor in the same family; presenting a used token again means it leaked (or a client raced):
 * the whole family is revoked, so the thief's and the owner's successors both stop working.
 */
@Injectable()
export class RefreshTokenService {
  private readonly logger = new Logger(RefreshTokenService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly config: AppConfig,
  ) {}

  /** A new family, at sign-in. */
  async startFamily(userId: string): Promise<IssuedRefreshToken> {
    return (await this.insert(this.tokens.manager, userId, randomUUID())).issued;
  }

  /** The token's owner, as the database has it now, and the successor token; 401 otherwise. */
  async rotate(presented: string): Promise<{ user: User; refresh: IssuedRefreshToken }> {
    const parts = parseRefreshToken(presented);
    if (!parts) throw invalidRefreshToken();
    const outcome = await this.dataSource.transaction(async (manager): Promise<RotationOutcome> => {
      const row = await this.lockRow(manager, parts.id);
      if (!row || !digestsEqual(sha256Hex(parts.secret), row.tokenHash)) return { kind: 'invalid' };
      if (row.usedAt) {
        await this.revokeFamilyWith(manager, row.familyId);
        return { kind: 'reused', userId: row.userId, familyId: row.familyId };
      }
      if (row.revokedAt || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
      const user = await manager.getRepository(User).findOneBy({ id: row.userId });
      if (!user || user.disabled) {
        await this.revokeFamilyWith(manager, row.familyId);
        return { kind: 'invalid' };
      }
      const successor = await this.insert(manager, user.id, row.familyId);
      await manager.update(RefreshToken, { id: row.id }, { usedAt: new Date(), replacedBy: successor.id });
      return { kind: 'rotated', user, refresh: successor.issued };
    });
    if (outcome.kind === 'rotated') return { user: outcome.user, refresh: outcome.refresh };
    if (outcome.kind === 'reused') {
      this.logger.warn(
        { userId: outcome.userId, familyId: outcome.familyId },
        'refresh token reused: session family revoked',
      );
    }
    throw invalidRefreshToken();
  }

  /** Sign-out: revokes the presented token's family; unknown tokens are ignored (nothing to reveal). */
  async revokeFamilyOf(presented: string): Promise<void> {
    const parts = parseRefreshToken(presented);
    if (!parts) return;
    const row = await this.tokens
      .createQueryBuilder('t')
      .addSelect('t.tokenHash')
      .where('t.id = :id', { id: parts.id })
      .getOne();
    if (!row || !digestsEqual(sha256Hex(parts.secret), row.tokenHash)) return;
    await this.revokeFamilyWith(this.tokens.manager, row.familyId);
  }

  /** Every session of a user (when the user is disabled). */
  async revokeAllForUser(userId: string): Promise<void> {
    await this.tokens.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async insert(
    manager: EntityManager,
    userId: string,
    familyId: string,
  ): Promise<{ id: string; issued: IssuedRefreshToken }> {
    const ttlSeconds = this.config.auth.refreshTokenTtlSeconds;
    const { id, secret, token } = newRefreshToken();
    await manager.insert(RefreshToken, {
      id,
      userId,
      familyId,
      tokenHash: sha256Hex(secret),
      expiresAt: new Date(Date.now() + ttlSeconds * 1_000),
    });
    return { id, issued: { token, familyId, expiresInSeconds: ttlSeconds } };
  }

  private lockRow(manager: EntityManager, id: string): Promise<RefreshToken | null> {
    return manager
      .getRepository(RefreshToken)
      .createQueryBuilder('t')
      .addSelect('t.tokenHash')
      .where('t.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  private async revokeFamilyWith(manager: EntityManager, familyId: string): Promise<void> {
    await manager.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}

export function invalidRefreshToken(): DomainException {
  return new DomainException({
    status: 401,
    code: ErrorCode.Unauthorized,
    message: 'Invalid or expired refresh token',
  });
}
