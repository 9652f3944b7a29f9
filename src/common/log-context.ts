import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as PinoLogger } from 'pino';

/** What every log line written while serving one request carries. */
export interface LogContext {
  /** The request's logger: bound to its request id, and to its tranId once known. */
  logger: PinoLogger;
  reqId: string;
  tranId?: string;
}

/*
 * AsyncLocalStorage rather than passing a logger around: services log through
 * Nest's static Logger and know nothing of requests (STYLE: a service never
 * knows about HTTP), yet their lines must name the request and the payment.
 */
const storage = new AsyncLocalStorage<LogContext>();

/** Runs `next` (the rest of the request) with `context` as the current log context. */
export function runWithLogContext<T>(context: LogContext, next: () => T): T {
  return storage.run(context, next);
}

/** The log context of the request being served, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/**
 * Adds the payment's `tranId` to every later line of the current request
 * (createQrCode learns it only when the code is issued). The first one wins.
 */
export function bindTranId(tranId: string | undefined): void {
  const context = storage.getStore();
  if (!context || context.tranId !== undefined || !tranId) return;
  context.tranId = tranId;
  context.logger = context.logger.child({ tranId });
}
