import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { linkedTransaction } from '@app/audit/audit-link';
import { AuditService } from '@app/audit/audit.service';
import { bodyField, isAdviceOperation, operationOf } from '@app/common/http/operation';
import { noteErrorType } from '@app/common/http/request-logging';
import { isStorageUnavailable, isUniqueViolation } from '@app/persistence/database';
import { ErrorDetail, tillMessage } from './error-detail';
import { ErrorType } from './error-type';
import { HubError } from './hub-error';

interface Principalled {
  user?: { id: string };
}

/**
 * The only place error bodies are built (STYLE: errors): every error — ours,
 * validation, passport, body parsing, routing, storage, unexpected — becomes
 * an `ErrorDetail` with the status docs/protocol.md §2 gives. Unexpected faults are logged
 * here and answered 500 without internals.
 */
@Catch()
export class ErrorDetailFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly audit: AuditService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & Principalled>();
    const res = ctx.getResponse<Response>();
    const operation = operationOf(req);
    const storageDown = !(exception instanceof HubError) && isStorageUnavailable(exception);
    const error = this.toHubError(exception, operation);
    const body = errorDetailFor(error, req);

    const send = (): void => {
      if (res.headersSent) return;
      for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
      res.status(error.status).json(body);
    };
    // Nothing an unauthenticated caller sends is stored (docs/protocol.md §3): only the access log line.
    if (!operation || !req.user) return send();
    const recorded = this.audit.record({
      direction: 'IN',
      operation,
      messageId: bodyField(req, 'id'),
      // The echoed tranId may be any id the body named; the row links only what the hub verified.
      tranId: linkedTransaction() ?? null,
      institutionId: req.user?.id,
      httpStatus: error.status,
      outcome: body.errorType,
      requestBody: req.body as unknown,
      responseBody: body,
    });
    // docs/protocol.md §10: with the store unreachable its audit row cannot be written
    // either (it is tried, and fails, in the background); the answer must not
    // wait for that on a database that no longer answers.
    if (storageDown) send();
    void recorded.finally(send);
  }

  private toHubError(exception: unknown, operation: string | null): HubError {
    if (exception instanceof HubError) return exception;
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (isUniqueViolation(exception)) return new HubError(ErrorType.DUPLICATE_RECORD, 'Duplicate record');
    if (isStorageUnavailable(exception)) {
      this.logger.error(`storage unavailable: ${(exception as Error).message}`);
      // docs/protocol.md §10: an advice must stay with its sender, so its outcome is unknown (500).
      return new HubError(
        ErrorType.GENERAL_ERROR,
        'Service temporarily unavailable',
        isAdviceOperation(operation) ? 500 : 503,
      );
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new HubError(ErrorType.GENERAL_ERROR, 'Internal error', 500);
  }
}

function fromHttpException(exception: HttpException): HubError {
  const status = exception.getStatus();
  if (status === 404) return new HubError(ErrorType.FUNCTION_NOT_SUPPORTED, 'Unknown operation', 404);
  if (status === 405 || status === 501)
    return new HubError(ErrorType.FUNCTION_NOT_SUPPORTED, 'Method not supported', status);
  if (status === 413 || status === 415) return new HubError(ErrorType.FORMAT_ERROR, 'Unreadable message', status);
  if (status >= 500) return new HubError(ErrorType.GENERAL_ERROR, 'Internal error', status);
  return new HubError(status === 400 ? ErrorType.FORMAT_ERROR : ErrorType.GENERAL_ERROR, exception.message, status);
}

/** The ErrorDetail for an error on this request (docs/protocol.md §2: ids, tranId, originalId). */
export function errorDetailFor(error: HubError, req: Request): ErrorDetail {
  noteErrorType(req, error.errorType);
  const requestId = usableId(bodyField(req, 'id'));
  const detail: ErrorDetail = {
    id: requestId ?? randomUUID(),
    errorType: error.errorType,
    errorMessage: tillMessage(error.message),
  };
  // The hub works with lower-case ids; the caller's own requestId is echoed as it was sent.
  const sentRequestId = usableId(bodyField(req, 'requestId'));
  const originalId =
    sentRequestId?.toLowerCase() === error.extra.originalId ? sentRequestId : (error.extra.originalId ?? sentRequestId);
  if (originalId) detail.originalId = originalId;
  const tranId = error.extra.tranId ?? usableId(bodyField(req, 'tranId'));
  if (tranId) detail.tranId = tranId;
  if (error.extra.detailMessage !== undefined) detail.detailMessage = error.extra.detailMessage;
  if (error.extra.providerErrorCode) detail.providerErrorCode = error.extra.providerErrorCode;
  if (error.extra.providerErrorMsg) detail.providerErrorMsg = error.extra.providerErrorMsg;
  if (error.extra.providerRef) detail.providerRef = error.extra.providerRef;
  return detail;
}

/** Echo an id from the request only when it is a sane identifier, never a 60 KiB string. */
function usableId(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 && value.length <= 64 ? value : undefined;
}
