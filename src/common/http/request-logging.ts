import { randomUUID } from 'node:crypto';
import { CallHandler, ExecutionContext, INestApplication, Injectable, NestInterceptor } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Level, Logger as PinoLogger } from 'pino';
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

/*
 * Hand-written rather than pino-http: it made two or three child loggers per
 * request (request id, serialized request, tranId) whether or not anything
 * but the access line was ever written, about 6 % of a payment's CPU in the
 * profile (docs/decisions.md, "Request logging without a logger per
 * request"). The line it writes has the same fields.
 */
function requestLogging(root: PinoLogger, operations: OperationTable): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = Date.now();
    const given = req.headers['x-request-id'];
    const reqId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', reqId);
    const context = new LogContext(root, reqId);
    (req as WithContext)[CONTEXT] = context;
    const answered = () => {
      res.removeListener('close', answered);
      res.removeListener('finish', answered);
      accessLine(root, operations, req, res, context, Date.now() - started);
    };
    res.on('close', answered);
    res.on('finish', answered);
    runWithLogContext(context, () => {
      // A body's tranId is logged only if it could be one: never a 60 KiB string.
      const tranId = bodyField(req, 'tranId');
      if (tranId !== undefined && tranId.length <= TRAN_ID_MAX) bindTranId(tranId);
      if (req.body !== undefined && context.enabled('debug')) {
        context.logger.debug({ body: boundedBody(req.body as unknown) }, 'request body');
      }
      next();
    });
  };
}

/** The one line per answered (or abandoned) request: a 5xx at warn, probes and scrapes at debug, the rest at info. */
function accessLine(
  root: PinoLogger,
  operations: OperationTable,
  req: Request,
  res: ServerResponse,
  context: LogContext,
  responseTime: number,
): void {
  const path = pathOf(req);
  const level: Level = res.statusCode >= 500 ? 'warn' : OPS_PATH.test(path) ? 'debug' : 'info';
  if (!root.isLevelEnabled(level)) return;
  const tranId = context.tranId;
  const errorType = errorTypeOf(req, res);
  root[level](
    {
      reqId: context.reqId,
      ...(tranId && { tranId }),
      ...(errorType && { errorType }),
      req: { method: req.method, path, operation: operations.nameOf(req) ?? undefined },
      res: { statusCode: res.statusCode },
      responseTime,
    },
    summary(req, res),
  );
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
        const context = currentLogContext();
        if (answer !== undefined && context?.enabled('debug')) {
          context.logger.debug({ body: boundedBody(answer) }, 'response body');
        }
      }),
    );
  }
}
