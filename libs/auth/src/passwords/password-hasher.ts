import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from './scrypt-hash';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1_024;

/** Checks passwords at sign-in; `verifyAgainstNothing` spends the same time when no user matched. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private decoyHash?: Promise<string>;

  /** Computes the decoy ahead, so even the first unknown-email sign-in costs exactly one hash. */
  onModuleInit(): void {
    void this.decoy();
  }

  verify(password: string, stored: string): Promise<boolean> {
    return verifyPassword(password, stored);
  }

  /** Same cost as a real check, so a sign-in for an unknown email is not faster than a wrong password. */
  async verifyAgainstNothing(password: string): Promise<false> {
    await verifyPassword(password, await this.decoy());
    return false;
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(randomBytes(24).toString('base64'));
    return this.decoyHash;
  }
}
