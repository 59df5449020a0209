import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@mld/contracts';

export const PUBLIC_ROUTE = 'mld:public';
export const REQUIRED_PERMISSIONS = 'mld:permissions';

/** Open to anyone, no token needed. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The permissions a route needs. A route with neither this nor @Public() is refused:
 * forgetting to declare a permission fails closed.
 */
export const RequirePermission = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** Any authenticated principal, whatever its role (e.g. "who am I"). */
export const Authenticated = () => SetMetadata(REQUIRED_PERMISSIONS, []);
