import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { errorMessage } from '../shared/throttled-warning';
import { UsersService } from './users.service';

/** Creates the configured first admin at start-up when no user has that email; never changes it afterwards. */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { bootstrapAdminEmail: email, bootstrapAdminPassword: password } = this.config.auth;
    if (!email || !password) return;
    try {
      const outcome = await this.users.createUnlessExists({ email, password, role: 'admin' });
      if (outcome === 'created') this.logger.log(`bootstrap admin ${email} created`);
    } catch (error) {
      // The api still starts (readiness reports a database outage); the next start tries again.
      this.logger.warn(`bootstrap admin not created: ${errorMessage(error)}`);
    }
  }
}
