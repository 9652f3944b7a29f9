import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable, mergeMap } from 'rxjs';
import { OperationTable } from '@app/operations/operation-table';
import { AuditService } from './audit.service';
import { inboundEntry } from './inbound-entry';

/**
 * Records each successful protocol exchange before its answer is sent
 * (errors are recorded by the ErrorDetail filter). The row joins a
 * transaction's timeline only through `linkToTransaction`.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
    private readonly operations: OperationTable,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: { id: string } }>();
    const operation = this.operations.nameOf(req);
    if (!operation) return next.handle();
    const started = Date.now();
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    return next.handle().pipe(
      mergeMap(async (response: unknown) => {
        await this.audit.record(
          inboundEntry(req, operation, {
            httpStatus: status,
            outcome: 'OK',
            responseBody: response ?? null,
            durationMs: Date.now() - started,
          }),
        );
        return response;
      }),
    );
  }
}
