import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ApiTokenResponse, CreatedApiTokenResponse } from '@mld/contracts';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { ApiTokenResponseDto, CreateTokenDto, CreatedApiTokenResponseDto } from './dto/token.dto.js';
import { TokensService, toApiTokenResponse } from './tokens.service.js';

@ApiTags('tokens')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @RequirePermission('token.read')
  @ApiOperation({ summary: 'List API tokens (admin); the secrets themselves are never shown again' })
  @ApiResponse({ status: 200, type: [ApiTokenResponseDto] })
  async list(): Promise<ApiTokenResponse[]> {
    return (await this.tokens.list()).map((t) => toApiTokenResponse(t));
  }

  @Post()
  @RequirePermission('token.write')
  @ApiOperation({ summary: 'Create an API token for automation (admin); use it as "Authorization: Bearer <token>"' })
  @ApiResponse({ status: 201, type: CreatedApiTokenResponseDto })
  @ApiErrors(400)
  async create(@Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiTokenResponse> {
    const createdById = principal.type === 'user' ? principal.id : null;
    const { entity, token } = await this.tokens.create(body.name, body.role, createdById, body.expires_in_days);
    return { ...toApiTokenResponse(entity, principal.name), token };
  }

  @Delete(':id')
  @RequirePermission('token.write')
  @ApiOperation({ summary: 'Revoke an API token (admin); it stops working at once' })
  @ApiResponse({ status: 200, type: ApiTokenResponseDto })
  @ApiErrors(404)
  async revoke(@Param('id') id: string): Promise<ApiTokenResponse> {
    return toApiTokenResponse(await this.tokens.revoke(id));
  }
}
