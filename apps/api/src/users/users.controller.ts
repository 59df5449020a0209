import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { UserResponse } from '@mld/contracts';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { DomainEvents } from '../events/domain-events.js';
import { CreateUserDto, UpdateUserDto, UserResponseDto } from './dto/user.dto.js';
import { toUserResponse } from './user.presenter.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly events: DomainEvents,
  ) {}

  @Get()
  @RequirePermission('user.read')
  @ApiOperation({ summary: 'List users (admin)' })
  @ApiResponse({ status: 200, type: [UserResponseDto] })
  async list(): Promise<UserResponse[]> {
    return (await this.users.list()).map(toUserResponse);
  }

  @Post()
  @RequirePermission('user.write')
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiResponse({ status: 201, type: UserResponseDto })
  @ApiErrors(400, 409)
  async create(@Body() body: CreateUserDto): Promise<UserResponse> {
    return toUserResponse(await this.users.create(body.username, body.password, body.role));
  }

  @Get(':id')
  @RequirePermission('user.read')
  @ApiOperation({ summary: 'One user (admin)' })
  @ApiResponse({ status: 200, type: UserResponseDto })
  @ApiErrors(404)
  async get(@Param('id') id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.get(id));
  }

  @Patch(':id')
  @RequirePermission('user.write')
  @ApiOperation({ summary: "Change a user's role or reset their password (admin)" })
  @ApiResponse({ status: 200, type: UserResponseDto })
  @ApiErrors(400, 404, 409)
  async update(@Param('id') id: string, @Body() body: UpdateUserDto, @CurrentPrincipal() principal: Principal): Promise<UserResponse> {
    const user = await this.users.update(id, body, principal.type === 'user' ? principal.id : undefined);
    // Live connections of this user follow at once (new role, or ended by a password reset).
    if (body.password !== undefined || body.role !== undefined) this.events.publish('auth.access_changed', { principal: 'user', id: user.id, change: body.password !== undefined ? 'password' : 'role' });
    return toUserResponse(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('user.write')
  @ApiOperation({ summary: 'Delete a user (admin; not yourself, not the last admin)' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404, 409)
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.users.remove(id, principal.type === 'user' ? principal.id : undefined);
    this.events.publish('auth.access_changed', { principal: 'user', id, change: 'deleted' });
  }
}
