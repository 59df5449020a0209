import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@mld/contracts';

/** Who is making a request: a logged-in user or an API token. */
export interface Principal {
  type: 'user' | 'token';
  id: string;
  name: string;
  role: Role;
}

export interface RequestWithPrincipal {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
});
