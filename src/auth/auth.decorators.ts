import { SetMetadata } from '@nestjs/common';
import { Role } from './principal';

export const PUBLIC_KEY = 'hub:public';
export const ROLES_KEY = 'hub:roles';
export const IDENTITY_KEY = 'hub:identity';

/** No credentials needed (operations endpoints, docs/protocol.md §11). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** Roles allowed to call the route; others get 403 (docs/protocol.md §3). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/**
 * The body field whose `.id` must equal the Basic-auth username (docs/protocol.md §3):
 * `client` for retailer messages, `partner` for scans.
 */
export const IdentityFrom = (field: 'client' | 'partner'): MethodDecorator => SetMetadata(IDENTITY_KEY, field);
