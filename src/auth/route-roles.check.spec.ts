import { Controller, Get, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { defineOperation } from '@app/operations/operation';
import { Serves } from '@app/operations/serves.decorator';
import { Public, Roles } from '@app/operations/route-access';
import { routesDeclaringNoRole } from './route-roles.check';

const echo = defineOperation({
  name: 'echo',
  method: 'POST',
  path: '/qr/v1/echoes',
  status: 200,
  roles: ['retailer'],
  advice: false,
  docs: { tag: 'retailer', summary: 'Echo', responses: {} },
});

@Controller()
class OperationController {
  @Serves(echo)
  echo(): void {}
}

@Controller('ops')
@Public()
class PublicController {
  @Get()
  open(): void {}
}

@Controller('admin')
@Roles('operator')
class OperatorController {
  @Get()
  list(): void {}

  /** Not a route: no role needed. */
  helper(): void {}
}

@Controller('mixed')
class MixedController {
  @Get('declared')
  @Roles('retailer')
  declared(): void {}

  @Post('undeclared')
  undeclared(): void {}

  @Get('also-undeclared')
  alsoUndeclared(): void {}
}

describe('every route declares who may call it', () => {
  const reflector = new Reflector();

  it('accepts an operation, @Public and @Roles on the class or the method', () => {
    expect(routesDeclaringNoRole([OperationController, PublicController, OperatorController], reflector)).toEqual([]);
  });

  it('names each route that declares none', () => {
    expect(routesDeclaringNoRole([OperatorController, MixedController], reflector)).toEqual([
      'MixedController.undeclared',
      'MixedController.alsoUndeclared',
    ]);
  });
});
