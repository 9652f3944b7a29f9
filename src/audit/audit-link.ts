import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The transaction the request being served was found to belong to. */
interface AuditLink {
  tranId?: string;
}

/*
 * AsyncLocalStorage because the services that establish the link know nothing
 * of requests (STYLE: a service never knows about HTTP), while the audit row
 * is written by the interceptor or the error filter.
 */
const storage = new AsyncLocalStorage<AuditLink>();

/** Gives every request its own (empty) link; installed before the routes. */
export function auditLinkScope(): RequestHandler {
  return (_req: Request, _res: Response, next: NextFunction) => storage.run({}, next);
}

/**
 * Says that the request being served concerns the transaction `tranId`, which
 * the hub has found and which the caller owns (its own QR code or payment, or
 * a partner's scan of an existing code). Only then does the request's audit
 * row carry that tranId and join the transaction's timeline: an id merely
 * named in a body links nothing. The first link wins.
 */
export function linkToTransaction(tranId: string): void {
  const link = storage.getStore();
  if (link && link.tranId === undefined) link.tranId = tranId;
}

/** The transaction the current request was linked to, if any. */
export function linkedTransaction(): string | undefined {
  return storage.getStore()?.tranId;
}
