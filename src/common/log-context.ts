import { AsyncLocalStorage } from 'node:async_hooks';
import type { Level, Logger as PinoLogger } from 'pino';

/**
 * What every log line written while serving one request carries: its request
 * id, and its tranId once known. The request's own logger (a pino child bound
 * to both) is made only when something logs through it: most requests write
 * nothing but their access line, and a child logger per request was a
 * measurable part of a payment's cost (docs/benchmarks.md).
 */
export class LogContext {
  private bound: PinoLogger | null = null;
  private tran: string | undefined;

  constructor(
    private readonly root: PinoLogger,
    readonly reqId: string,
  ) {}

  get tranId(): string | undefined {
    return this.tran;
  }

  /** The request's logger: bound to its request id, and to its tranId once known. */
  get logger(): PinoLogger {
    return (this.bound ??= this.root.child(
      this.tran === undefined ? { reqId: this.reqId } : { reqId: this.reqId, tranId: this.tran },
    ));
  }

  /** Whether a line at `level` would be written (without making the request's logger). */
  enabled(level: Level): boolean {
    return this.root.isLevelEnabled(level);
  }

  /** The first tranId wins; later lines carry it. */
  bindTranId(tranId: string): void {
    if (this.tran !== undefined) return;
    this.tran = tranId;
    this.bound = null;
  }
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
  if (tranId) storage.getStore()?.bindTranId(tranId);
}
