import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ROLE_PERMISSIONS, type LoginResponse } from '@mld/contracts';
import type { Request } from 'express';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto, LoginDto } from './dto/login.dto.js';
import { LoginResponseDto, MeResponseDto } from './dto/login-response.dto.js';
import { Authenticated, Public } from './permissions.decorator.js';
import { CurrentPrincipal, type Principal } from './principal.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password; returns a short-lived access token' })
  @ApiResponse({ status: 200, type: LoginResponseDto })
  @ApiErrors(400, 401, 429)
  login(@Body() body: LoginDto, @Req() request: Request): Promise<LoginResponse> {
    return this.auth.login(body.username, body.password, request.ip ?? request.socket.remoteAddress ?? 'unknown');
  }

  @Get('me')
  @Authenticated()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the bearer is, with the permissions of their role' })
  @ApiResponse({ status: 200, type: MeResponseDto })
  @ApiErrors(401)
  me(@CurrentPrincipal() principal: Principal): MeResponseDto {
    return { ...principal, permissions: [...ROLE_PERMISSIONS[principal.role]] };
  }

  @Post('password')
  @Authenticated()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own password; sessions opened before are ended' })
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 401, 403)
  async changePassword(@Body() body: ChangePasswordDto, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.changeOwnPassword(principal, body.current_password, body.new_password);
  }
}
