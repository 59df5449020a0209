import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Permission } from '@mld/contracts';

export const PUBLIC_ROUTE = 'mld:public';
export const REQUIRED_PERMISSIONS = 'mld:permissions';

/** Marks a public operation in the OpenAPI document; setupOpenApi turns it into `security: []`. */
export const OPENAPI_PUBLIC_EXTENSION = 'x-mld-public';

/** Open to anyone, no token needed (and documented so: the operation's `security` is empty). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(OPENAPI_PUBLIC_EXTENSION, true));

/**
 * The permissions a route needs. A route with neither this nor @Public() is refused:
 * forgetting to declare a permission fails closed.
 */
export const RequirePermission = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** Any authenticated principal, whatever its role (e.g. "who am I"). */
export const Authenticated = () => SetMetadata(REQUIRED_PERMISSIONS, []);
