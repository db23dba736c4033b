import { ApiKeysService, CurrentPrincipal, RequireUserSession, type Principal } from '@app/auth';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView, ListApiKeysQuery } from './dto/api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiForbiddenResponse({ description: 'API keys cannot manage API keys: sign in' })
@RequireUserSession()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Create an API key for server-to-server calls',
    description:
      'The key is in the response this once; only its prefix and a hash are stored. Admins may create keys ' +
      'for another user (`userId`) and set limits.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiNotFoundResponse({ description: 'Admin: no such user' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyView> {
    const { apiKey, key } = await this.apiKeys.create(principal, body);
    return { ...ApiKeyView.of(apiKey), key };
  }

  @Get()
  @ApiOperation({ summary: "Your API keys (admins: everyone's, or one user's with ?userId=)" })
  @ApiOkResponse({ type: [ApiKeyView] })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListApiKeysQuery,
  ): Promise<ApiKeyView[]> {
    return (await this.apiKeys.list(principal, query.userId)).map((key) => ApiKeyView.of(key));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (takes effect on every api instance within seconds)' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ description: 'No such key, or not yours' })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.apiKeys.revoke(principal, id);
  }
}
