import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { BasicAuthGuard } from './basic-auth.guard';
import { BasicStrategy } from './basic.strategy';
import { CredentialsService } from './credentials.service';
import { RouteRolesCheck } from './route-roles.check';

@Module({
  imports: [PassportModule.register({ session: false }), DiscoveryModule],
  providers: [CredentialsService, BasicStrategy, RouteRolesCheck, { provide: APP_GUARD, useClass: BasicAuthGuard }],
  exports: [CredentialsService],
})
export class AuthModule {}
