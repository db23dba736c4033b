import {
  API_KEY_SCOPES,
  ROLES,
  type ApiKeyScope,
  type CallerLimits,
  type Principal,
  type Role,
} from '@app/auth';
import { ApiProperty } from '@nestjs/swagger';
import { EffectiveLimitsView } from './limits.dto';

export class PrincipalView {
  @ApiProperty({ enum: ['user', 'api_key'], description: 'Signed-in user (JWT) or API key' })
  kind!: Principal['kind'];
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, description: 'A signed-in user has every scope' })
  scopes!: ApiKeyScope[];
  @ApiProperty({ format: 'uuid', required: false }) apiKeyId?: string;
  @ApiProperty({ type: EffectiveLimitsView }) limits!: EffectiveLimitsView;

  static of(principal: Principal, limits: CallerLimits): PrincipalView {
    return {
      kind: principal.kind,
      userId: principal.userId,
      role: principal.role,
      scopes: principal.scopes === 'all' ? [...API_KEY_SCOPES] : principal.scopes,
      ...(principal.apiKeyId ? { apiKeyId: principal.apiKeyId } : {}),
      limits,
    };
  }
}
