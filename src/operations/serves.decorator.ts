import { applyDecorators, HttpCode, RequestMapping, RequestMethod, SetMetadata } from '@nestjs/common';
import type { Operation } from './operation';

/** Metadata key of the operation a handler serves. */
export const OPERATION_KEY = 'hub:operation';

/**
 * Makes a controller method the handler of `operation`: its route (method
 * and full path), its success status, and the declaration the guard, the
 * API document, the metrics and the audit trail read. The controller itself
 * has no path (`@Controller()`).
 */
export function Serves(operation: Operation): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: operation.path, method: RequestMethod[operation.method] }),
    HttpCode(operation.status),
    SetMetadata(OPERATION_KEY, operation),
  );
}

/** The operation a handler serves, if any. */
export function operationServedBy(handler: object): Operation | undefined {
  return Reflect.getMetadata(OPERATION_KEY, handler) as Operation | undefined;
}
