import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { ErrorDetailFilter } from './error-detail.filter';

/** The audit trail, and the two writers of an answer's row: the interceptor (success) and the error filter. */
@Global()
@Module({
  providers: [
    AuditService,
    AuditRepository,
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
    { provide: APP_FILTER, useClass: ErrorDetailFilter },
  ],
  exports: [AuditService],
})
export class AuditModule {}
