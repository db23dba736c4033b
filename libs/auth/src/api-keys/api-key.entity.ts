import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKeyScope } from '../principal/principal';

@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ type: 'text' }) name!: string;
  /** The visible, unique part of the key (`mpb_<prefix>_...`): how a key is found and shown in lists. */
  @Column({ type: 'text' }) prefix!: string;
  /** SHA-256 (hex) of the whole key. */
  @Column({ name: 'key_hash', type: 'text', select: false }) keyHash!: string;
  @Column({ type: 'text', array: true }) scopes!: ApiKeyScope[];
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt!: Date | null;
  /** Limit overrides: null = the owner's override or role default, 0 = unlimited. */
  @Column({ name: 'rpm_limit', type: 'integer', nullable: true }) rpmLimit!: number | null;
  @Column({ name: 'tpm_limit', type: 'integer', nullable: true }) tpmLimit!: number | null;
  @Column({ name: 'tpd_limit', type: 'integer', nullable: true }) tpdLimit!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
