import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { AuthenticationError, ForbiddenError, HubError } from '@app/errors/hub-error';
import { takeBodyError } from '@app/common/http/json-body';
import { operationServedBy } from '@app/operations/serves.decorator';
import { PUBLIC_KEY, ROLES_KEY } from '@app/operations/route-access';
import { Principal, Role } from './principal';

/**
 * The global guard. It fixes the order of checks of docs/protocol.md §2: authentication
 * (401) → role (403) → a body that could not be parsed (400/413/415) →
 * identity, i.e. the body's client.id / partner.id equals the username (403).
 * Message validation (400) follows in the ValidationPipe. Roles and identity
 * field come from the operation the handler serves, else from `@Roles`; a
 * route that declares no role lets nobody in (and the hub does not start
 * with one: route-roles.check.ts).
 */
@Injectable()
export class BasicAuthGuard extends AuthGuard('basic') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    await super.canActivate(context);
    const req = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const principal = req.user;
    if (!principal) throw new AuthenticationError();

    const operation = operationServedBy(context.getHandler());
    const roles = operation?.roles ?? this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles?.includes(principal.role)) throw new ForbiddenError('Operation not permitted');

    const bodyError = takeBodyError(req);
    if (bodyError) throw bodyError;

    const field = operation?.identityField;
    if (field) {
      const claimed = claimedId(req.body, field);
      if (claimed !== undefined && claimed !== principal.id) throw new ForbiddenError(`${field}.id is not the caller`);
    }
    return true;
  }

  override handleRequest<TUser = Principal>(err: unknown, user: TUser | false): TUser {
    if (err instanceof HubError) throw err;
    if (err) throw err;
    if (!user) throw new AuthenticationError();
    return user;
  }
}

function claimedId(body: unknown, field: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const holder = (body as Record<string, unknown>)[field];
  if (typeof holder !== 'object' || holder === null) return undefined;
  const id = (holder as Record<string, unknown>).id;
  return typeof id === 'string' ? id : undefined;
}
