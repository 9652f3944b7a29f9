import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { BasicAuthGuard } from './basic-auth.guard';
import { BasicStrategy } from './basic.strategy';
import { CredentialsService } from './credentials.service';

@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [CredentialsService, BasicStrategy, { provide: APP_GUARD, useClass: BasicAuthGuard }],
  exports: [CredentialsService],
})
export class AuthModule {}
