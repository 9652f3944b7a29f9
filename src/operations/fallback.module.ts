import { All, Controller, DynamicModule, Module, Type } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from './route-access';
import { UnsupportedMethodError } from '@app/errors/hub-error';
import { ALL_ROLES } from './operation';
import type { OperationTable } from './operation-table';

/**
 * Another method on a path of the operations table is 501 (docs/protocol.md §2); an
 * unknown path is left to the router's 404. Any authenticated caller gets
 * the 501, as for a known operation its credentials are checked first. Not
 * part of the published API: it only refuses what the API does not offer.
 */
function unsupportedMethodController(paths: string[]): Type<object> {
  @ApiExcludeController()
  @Controller()
  class UnsupportedMethodController {
    @All(paths)
    @Roles(...ALL_ROLES)
    unsupported(): never {
      throw new UnsupportedMethodError();
    }
  }
  return UnsupportedMethodController;
}

/** Imported after every feature module, so each operation's own route comes first. */
@Module({})
export class FallbackModule {
  static forRoot(operations: OperationTable): DynamicModule {
    return { module: FallbackModule, controllers: [unsupportedMethodController(operations.paths())] };
  }
}
