import { Injectable, OnModuleInit, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { operationServedBy } from '@app/operations/serves.decorator';
import { PUBLIC_KEY, ROLES_KEY } from '@app/operations/route-access';

/**
 * Every route says who may call it (docs/protocol.md §3): the operation it serves
 * (`@Serves`), `@Roles`, or `@Public()`. A route that says nothing would be
 * open to every authenticated caller by accident, so the hub refuses to
 * start with one, naming it.
 */
@Injectable()
export class RouteRolesCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const controllers = this.discovery
      .getControllers()
      .map((wrapper) => wrapper.metatype)
      .filter((type): type is Type<object> => typeof type === 'function');
    const undeclared = routesDeclaringNoRole(controllers, this.reflector);
    if (undeclared.length > 0) {
      throw new Error(
        `Routes that declare no role (give them @Serves(operation), @Roles(...) or @Public()): ${undeclared.join(', ')}`,
      );
    }
  }
}

/** `Controller.method` of each route handler of `controllers` that declares neither an operation, roles nor public. */
export function routesDeclaringNoRole(controllers: readonly Type<object>[], reflector: Reflector): string[] {
  return controllers.flatMap((controller) => {
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') return [];
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) return [];
      const targets = [handler, controller];
      const declared =
        operationServedBy(handler) !== undefined ||
        reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true ||
        reflector.getAllAndOverride<unknown[] | undefined>(ROLES_KEY, targets) !== undefined;
      return declared ? [] : [`${controller.name}.${name}`];
    });
  });
}
