import { AuthModule } from '@app/auth';
import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { UsersController } from './users.controller';

/** Sign-in, API keys and user management; importing it also protects every route (AuthModule's guards). */
@Module({
  imports: [AuthModule],
  controllers: [AuthController, ApiKeysController, UsersController],
})
export class AuthApiModule {}
