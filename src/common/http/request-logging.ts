import { randomUUID } from 'node:crypto';
import { CallHandler, ExecutionContext, INestApplication, Injectable, NestInterceptor } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Level, Logger as PinoLogger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Observable, tap } from 'rxjs';
import { boundedBody } from '@app/common/bounded-body';
import { TRAN_ID_MAX } from '@app/common/dto/payment-request.dto';
import { bindTranId, currentLogContext, LogContext, runWithLogContext } from '@app/common/log-context';
import type { OperationTable } from '@app/operations/operation-table';
import { bodyField } from './body-field';

const CONTEXT = Symbol('hub:logContext');
const ERROR_TYPE = Symbol('hub:errorType');
type WithContext = IncomingMessage & { [CONTEXT]?: LogContext; [ERROR_TYPE]?: string };

/**
 * Called by the one builder of `ErrorDetail` bodies: the request's access
 * line then names the errorType, so a 4xx says why without debug logging.
 */
export function noteErrorType(req: IncomingMessage, errorType: string): void {
  (req as WithContext)[ERROR_TYPE] = errorType;
}

function errorTypeOf(req: IncomingMessage, res: ServerResponse): string | undefined {
  return res.statusCode >= 400 ? (req as WithContext)[ERROR_TYPE] : undefined;
}

/* A caller's request id is kept only if it is a plain token: it is echoed and logged. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/* Probes and scrapes arrive every few seconds; at info they would drown the payments. */
const OPS_PATH = /^\/+(?:health|metrics|docs)(?:[-/]|$)/i;

/**
 * One log line per answered request (method, path, operation, status, time)
 * and a log context for everything written while serving it: the request id
 * (the caller's `X-Request-Id` if sane, else a UUID, echoed in the answer)
 * and the `tranId` from the body or, for createQrCode, from the answer.
 * At debug level the masked request and response bodies are logged too.
 */
export function installRequestLogging(app: INestApplication, logger: PinoLogger, operations: OperationTable): void {
  app.use(requestLogging(logger, operations));
  app.useGlobalInterceptors(new LogContextInterceptor());
}

function requestLogging(logger: PinoLogger, operations: OperationTable): RequestHandler {
  const http = pinoHttp({
    logger,
    quietReqLogger: true,
    wrapSerializers: false,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: Request) => ({
        method: req.method,
        path: pathOf(req),
        operation: operations.nameOf(req) ?? undefined,
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    // Only the tranId (and, once answered, the errorType): the rest is already in the line's bindings,
    // and a key bound twice repeats.
    customProps: (req: IncomingMessage, res: ServerResponse) => {
      const tranId = (req as WithContext)[CONTEXT]?.tranId;
      const errorType = errorTypeOf(req, res);
      return { ...(tranId && { tranId }), ...(errorType && { errorType }) };
    },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error): Level | 'silent' => {
      if (err || res.statusCode >= 500) return 'warn';
      return OPS_PATH.test(pathOf(req)) ? 'debug' : 'info';
    },
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => summary(req, res),
    customErrorMessage: (req: IncomingMessage, res: ServerResponse) => summary(req, res),
    // The filter has logged any real fault; pino-http's made-up "failed with status code" error adds nothing.
    customErrorObject: (_req, _res, _err, fields: Record<string, unknown>) => ({ ...fields, err: undefined }),
  });

  return (req: Request, res: Response, next: NextFunction) => {
    http(req, res, () => {
      const context: LogContext = { logger: req.log, reqId: String(req.id) };
      (req as WithContext)[CONTEXT] = context;
      runWithLogContext(context, () => {
        // A body's tranId is logged only if it could be one: never a 60 KiB string.
        const tranId = bodyField(req, 'tranId');
        if (tranId !== undefined && tranId.length <= TRAN_ID_MAX) bindTranId(tranId);
        if (req.body !== undefined && context.logger.isLevelEnabled('debug')) {
          context.logger.debug({ body: boundedBody(req.body as unknown) }, 'request body');
        }
        next();
      });
    });
  };
}

function pathOf(req: IncomingMessage): string {
  const url = (req as Request).originalUrl ?? req.url ?? '';
  return url.split('?')[0];
}

function summary(req: IncomingMessage, res: ServerResponse): string {
  if (!res.writableFinished) return `${req.method} ${pathOf(req)} closed before answer`;
  const errorType = errorTypeOf(req, res);
  return `${req.method} ${pathOf(req)} ${res.statusCode}${errorType ? ` ${errorType}` : ''}`;
}

/**
 * Binds the tranId of a route (`/qrCodes/{tranId}/image`) or of a handler's
 * answer (a new QR code) to the request's log context, and logs the masked
 * answer at debug level.
 */
@Injectable()
export class LogContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const fromPath = context.switchToHttp().getRequest<Request>().params?.tranId;
    if (typeof fromPath === 'string' && fromPath.length <= TRAN_ID_MAX) bindTranId(fromPath);
    return next.handle().pipe(
      tap((answer: unknown) => {
        const tranId = (answer as { tranId?: unknown } | null | undefined)?.tranId;
        if (typeof tranId === 'string') bindTranId(tranId);
        const logger = currentLogContext()?.logger;
        if (answer !== undefined && logger?.isLevelEnabled('debug')) {
          logger.debug({ body: boundedBody(answer) }, 'response body');
        }
      }),
    );
  }
}
