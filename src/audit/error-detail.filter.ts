import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { errorDetailFor } from '@app/common/http/error-answer';
import { ErrorType } from '@app/errors/error-type';
import { OperationTable } from '@app/operations/operation-table';
import {
  AdviceStorageUnavailableError,
  DuplicateRecordError,
  HubError,
  InternalError,
  MessageTooLargeError,
  StorageUnavailableError,
  UnknownOperationError,
  UnsupportedMediaTypeError,
  UnsupportedMethodError,
} from '@app/errors/hub-error';
import { httpStatusOf } from '@app/errors/http-status';
import { isStorageUnavailable, isUniqueViolation } from '@app/persistence/database';
import { refusalPageFor } from '@app/auth/refusal-page';
import { AuditService } from './audit.service';
import { inboundEntry } from './inbound-entry';

interface Principalled {
  user?: { id: string };
}

/**
 * The one answer to every error (STYLE: errors): ours, validation, passport,
 * body parsing, routing, storage, unexpected — each becomes an `ErrorDetail`
 * (built by `errorDetailFor`) with the status docs/protocol.md §2 gives, and the
 * answer's audit row, as the interceptor writes it for a success. A domain
 * error's status is looked up in `HTTP_STATUS` (src/errors/http-status.ts); what
 * the framework refused keeps its own. Unexpected faults are logged here and
 * answered 500 without internals.
 */
@Catch()
export class ErrorDetailFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly audit: AuditService,
    private readonly operations: OperationTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & Principalled>();
    const res = ctx.getResponse<Response>();
    const operation = this.operations.nameOf(req);
    const storageDown = !(exception instanceof HubError) && isStorageUnavailable(exception);
    const { error, status } = this.toAnswer(exception, operation);
    const body = errorDetailFor(error, req);

    const send = (): void => {
      if (res.headersSent) return;
      for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
      // A browser refused in the console gets a page saying how to sign in (src/auth/refusal-page.ts).
      const page = refusalPageFor(req, status, error);
      if (page) return void res.set(page.headers).status(status).send(page.body);
      res.status(status).json(body);
    };
    // Nothing an unauthenticated caller sends is stored (docs/protocol.md §3): only the access log line.
    if (!operation || !req.user) return send();
    // The echoed tranId may be any id the body named; the row links only what the hub verified.
    const recorded = this.audit.record(
      inboundEntry(req, operation, { httpStatus: status, outcome: body.errorType, responseBody: body }),
    );
    // docs/protocol.md §10: with the store unreachable its audit row cannot be written
    // either (it is tried, and fails, in the background); the answer must not
    // wait for that on a database that no longer answers.
    if (storageDown) send();
    void recorded.finally(send);
  }

  /** The error and the status it is answered with: domain errors through {@link HTTP_STATUS}. */
  private toAnswer(exception: unknown, operation: string | null): Answer {
    if (exception instanceof HubError) return this.domainAnswer(exception);
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    if (isUniqueViolation(exception)) return this.domainAnswer(new DuplicateRecordError('Duplicate record'));
    if (isStorageUnavailable(exception)) {
      this.logger.error(`storage unavailable: ${(exception as Error).message}`);
      // docs/protocol.md §10: an advice must stay with its sender, so its outcome is unknown.
      return this.domainAnswer(
        this.operations.isAdvice(operation) ? new AdviceStorageUnavailableError() : new StorageUnavailableError(),
      );
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return this.domainAnswer(new InternalError());
  }

  /** Routing and body parsing refused it: the hub's own errors where they say the same, else the framework's status. */
  private fromHttpException(exception: HttpException): Answer {
    const status = exception.getStatus();
    if (status === 404) return this.domainAnswer(new UnknownOperationError());
    if (status === 501) return this.domainAnswer(new UnsupportedMethodError());
    if (status === 413) return this.domainAnswer(new MessageTooLargeError('Unreadable message'));
    if (status === 415) return this.domainAnswer(new UnsupportedMediaTypeError('Unreadable message'));
    const refusal = (errorType: ErrorType, message: string): Answer => ({
      error: new FrameworkRefusal(errorType, message),
      status,
    });
    if (status === 405) return refusal(ErrorType.FUNCTION_NOT_SUPPORTED, 'Method not supported');
    if (status >= 500) return refusal(ErrorType.GENERAL_ERROR, 'Internal error');
    return refusal(status === 400 ? ErrorType.FORMAT_ERROR : ErrorType.GENERAL_ERROR, exception.message);
  }

  private domainAnswer(error: HubError): Answer {
    try {
      return { error, status: httpStatusOf(error) };
    } catch (missing) {
      this.logger.error((missing as Error).message);
      return { error: new InternalError(), status: 500 };
    }
  }
}

interface Answer {
  error: HubError;
  status: number;
}

/**
 * What the framework refused in terms no domain error has (e.g. 405): it is
 * HTTP by nature and already has its status, which the answer keeps.
 */
class FrameworkRefusal extends HubError {
  constructor(errorType: ErrorType, message: string) {
    super(errorType, message);
  }
}
