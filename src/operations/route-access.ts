import { SetMetadata } from '@nestjs/common';
import type { Role } from './operation';

export const PUBLIC_KEY = 'hub:public';
export const ROLES_KEY = 'hub:roles';

/**
 * No credentials needed (operations endpoints, docs/protocol.md §11). Every route
 * declares its callers: this, `@Roles`, or the operation it `@Serves`; the
 * hub refuses to start with a route that declares none (route-roles.check.ts).
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Roles allowed to call a route that serves no operation; others get 403 (docs/protocol.md §3). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);
