import { ApiKey } from './api-keys/api-key.entity';
import { RefreshToken } from './tokens/refresh-token.entity';
import { User } from './users/user.entity';

/** Every entity of @app/auth: registered with TypeOrmModule.forFeature and by the CLI's DataSource. */
export const AUTH_ENTITIES = [User, RefreshToken, ApiKey];
