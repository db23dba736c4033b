import { CurrentPrincipal, RequireUserSession, Roles, UsersService, type Principal } from '@app/auth';
import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CreateUserDto, ListUsersQuery, UpdateUserDto, UserPageView, UserView } from './dto/user.dto';

@ApiTags('users')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
@ApiForbiddenResponse({ description: 'Admins only (signed in, not with an API key)' })
@Roles('admin')
@RequireUserSession()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserView })
  @ApiConflictResponse({ description: 'The email is taken' })
  async create(@Body() body: CreateUserDto): Promise<UserView> {
    return UserView.of(await this.users.create({ ...body, role: body.role ?? 'user' }));
  }

  @Get()
  @ApiOperation({ summary: 'List users, oldest first' })
  @ApiOkResponse({ type: UserPageView })
  async list(@Query() query: ListUsersQuery): Promise<UserPageView> {
    const page = await this.users.list(query);
    return { items: page.items.map((user) => UserView.of(user)), total: page.total, ...query };
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change role, disabled flag or limit overrides',
    description:
      "Signed-in users see the change at their next refresh (access tokens carry role and limits); API keys within seconds. Disabling revokes the user's sessions.",
  })
  @ApiOkResponse({ type: UserView })
  @ApiNotFoundResponse({ description: 'No such user' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserView> {
    return UserView.of(await this.users.update(principal, id, body));
  }
}
