import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable, mergeMap } from 'rxjs';
import { bodyField, operationOf } from '@app/common/http/operation';
import { AuditService } from './audit.service';

/**
 * Records each successful protocol exchange before its answer is sent
 * (errors are recorded by the ErrorDetail filter).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & { user?: { id: string } }>();
    const operation = operationOf(req);
    if (!operation) return next.handle();
    const started = Date.now();
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    return next.handle().pipe(
      mergeMap(async (response: unknown) => {
        await this.audit.record({
          direction: 'IN',
          operation,
          messageId: bodyField(req, 'id'),
          tranId: bodyField(req, 'tranId') ?? responseTranId(response),
          institutionId: req.user?.id,
          httpStatus: status,
          outcome: 'OK',
          requestBody: req.body as unknown,
          responseBody: response ?? null,
          durationMs: Date.now() - started,
        });
        return response;
      }),
    );
  }
}

function responseTranId(response: unknown): string | null {
  const tranId = (response as { tranId?: unknown } | null)?.tranId;
  return typeof tranId === 'string' ? tranId : null;
}
