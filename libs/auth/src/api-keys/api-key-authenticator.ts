import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  isApiKeyScope,
  isRole,
  type LimitOverrides,
  type Principal,
  type Role,
} from '../principal/principal';
import { invalidToken } from '../shared/auth-errors';
import { ExpiringCache } from '../shared/expiring-cache';
import { digestBytesEqual, sha256Bytes } from '../shared/secret-digest';
import { parseApiKey } from './api-key-format';
import { ApiKeyUsageRecorder } from './api-key-usage.recorder';
import { ApiKey } from './api-key.entity';

/** A key row joined with its owner, as cached per prefix. */
interface KnownKey {
  id: string;
  userId: string;
  keyDigest: Buffer;
  role: Role;
  scopes: Principal['scopes'];
  expiresAt: number | null;
  /** not revoked, and the owner is not disabled */
  usable: boolean;
  limitOverrides: LimitOverrides;
}

type CachedLookup = KnownKey | 'unknown';

interface KeyRow {
  id: string;
  user_id: string;
  key_hash: string;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  key_rpm: number | null;
  key_tpm: number | null;
  key_tpd: number | null;
  role: string;
  disabled: boolean;
  user_rpm: number | null;
  user_tpm: number | null;
  user_tpd: number | null;
}

const KEY_LOOKUP = `
  SELECT k.id, k.user_id, k.key_hash, k.scopes, k.expires_at, k.revoked_at,
         k.rpm_limit AS key_rpm, k.tpm_limit AS key_tpm, k.tpd_limit AS key_tpd,
         u.role, u.disabled, u.rpm_limit AS user_rpm, u.tpm_limit AS user_tpm, u.tpd_limit AS user_tpd
    FROM api_keys k JOIN users u ON u.id = k.user_id
   WHERE k.prefix = $1`;

const MAX_CACHED_KEYS = 10_000;

/**
 * Turns a presented API key into a principal. A key found once is trusted from memory for
 * `auth.apiKeyCacheTtlMs` (default 5 s), so a busy key costs no query; a miss costs one indexed query
 * (by prefix, joined with the owner). Revoking a key or disabling its owner therefore takes effect on
 * other api instances within that bound (immediately on the instance that did it).
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly cache: ExpiringCache<CachedLookup>;
  private readonly inFlight = new Map<string, Promise<CachedLookup>>();

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly usage: ApiKeyUsageRecorder,
    config: AppConfig,
  ) {
    this.cache = new ExpiringCache(config.auth.apiKeyCacheTtlMs, MAX_CACHED_KEYS);
  }

  async authenticate(presented: string): Promise<Principal> {
    const parts = parseApiKey(presented);
    if (!parts) throw invalidToken('Invalid API key');
    const known = await this.lookup(parts.prefix);
    if (known === 'unknown' || !digestBytesEqual(sha256Bytes(presented), known.keyDigest)) {
      throw invalidToken('Invalid API key');
    }
    if (!known.usable) throw invalidToken('API key is no longer valid');
    if (known.expiresAt !== null && known.expiresAt <= Date.now()) throw invalidToken('API key has expired');
    this.usage.touch(known.id);
    return {
      kind: 'api_key',
      userId: known.userId,
      role: known.role,
      scopes: known.scopes,
      apiKeyId: known.id,
      limitOverrides: known.limitOverrides,
    };
  }

  /** Drops a key from this instance's cache (after revoking it here). */
  forget(prefix: string): void {
    this.cache.delete(prefix);
  }

  /** Drops every cached key of a user (after disabling the user here). */
  forgetUser(userId: string): void {
    this.cache.deleteWhere((known) => known !== 'unknown' && known.userId === userId);
  }

  private lookup(prefix: string): Promise<CachedLookup> {
    const cached = this.cache.get(prefix);
    if (cached) return Promise.resolve(cached);
    let pending = this.inFlight.get(prefix);
    if (!pending) {
      pending = this.load(prefix).finally(() => this.inFlight.delete(prefix));
      this.inFlight.set(prefix, pending);
    }
    return pending;
  }

  private async load(prefix: string): Promise<CachedLookup> {
    const rows = (await this.keys.query(KEY_LOOKUP, [prefix])) as KeyRow[];
    const known = rows.length ? toKnownKey(rows[0]) : 'unknown';
    this.cache.set(prefix, known);
    return known;
  }
}

function toKnownKey(row: KeyRow): CachedLookup {
  if (!isRole(row.role)) return 'unknown';
  return {
    id: row.id,
    userId: row.user_id,
    keyDigest: Buffer.from(row.key_hash, 'hex'),
    role: row.role,
    scopes: row.scopes.filter(isApiKeyScope),
    expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
    usable: row.revoked_at === null && !row.disabled,
    limitOverrides: {
      rpm: row.key_rpm ?? row.user_rpm,
      tpm: row.key_tpm ?? row.user_tpm,
      tpd: row.key_tpd ?? row.user_tpd,
    },
  };
}
