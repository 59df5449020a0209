import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasPermission, type Permission } from '@mld/contracts';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error.js';
import { AuthService } from './auth.service.js';
import { PUBLIC_ROUTE, REQUIRED_PERMISSIONS } from './permissions.decorator.js';
import type { RequestWithPrincipal } from './principal.js';

/** Global: authenticate every request, then check the route's declared permissions. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // gateways authenticate on connection
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const principal = await this.auth.authenticate(request.headers.authorization);
    request.principal = principal;
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(REQUIRED_PERMISSIONS, targets);
    if (required === undefined) throw new DomainError('FORBIDDEN', 'this route declares no permission and is closed');
    const missing = required.filter((permission) => !hasPermission(principal.role, permission));
    if (missing.length > 0) {
      throw new DomainError('FORBIDDEN', `role "${principal.role}" lacks permission ${missing.map((p) => `"${p}"`).join(', ')}`);
    }
    return true;
  }
}
