import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../principal/principal';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid') id!: string;

  /** Stored trimmed and lower-cased (see normalizeEmail); unique. */
  @Column({ type: 'text' }) email!: string;

  /** Never selected unless asked for (`addSelect`): only sign-in needs it. */
  @Column({ name: 'password_hash', type: 'text', select: false }) passwordHash!: string;

  @Column({ type: 'text' }) role!: Role;

  @Column({ type: 'boolean', default: false }) disabled!: boolean;

  /** Limit overrides: null = the role's default, 0 = unlimited. */
  @Column({ name: 'rpm_limit', type: 'integer', nullable: true }) rpmLimit!: number | null;
  @Column({ name: 'tpm_limit', type: 'integer', nullable: true }) tpmLimit!: number | null;
  @Column({ name: 'tpd_limit', type: 'integer', nullable: true }) tpdLimit!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
