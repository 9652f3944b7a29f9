import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { HubError } from '@app/errors/hub-error';

/** A refusal shown to a person in a browser as a page, in place of the `ErrorDetail` body. */
export interface RefusalPage {
  /** The page's own headers (content type, CSP, …), beside those the error carries (`WWW-Authenticate`). */
  headers: Readonly<Record<string, string>>;
  body: string;
}

/**
 * How one area of the hub (the console) shows a refusal to a browser: the
 * page for this answer, or null for the `ErrorDetail` everyone else gets.
 * Asked by the error filter with the status it answers and the error it
 * answers for; the status and the error's headers stay as they are.
 */
export type RefusalPages = (status: number, error: HubError, req: Request) => RefusalPage | null;

const pagesOf = new WeakMap<Request, RefusalPages>();

/**
 * Express middleware, mounted on an area's path: the requests it sees show
 * their refusals through `pages`. Only marks the request; the answer is still
 * written by the error filter, which also writes any audit row as before.
 */
export function showRefusalsAsPages(pages: RefusalPages): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    pagesOf.set(req, pages);
    next();
  };
}

/** The page to answer this refusal with, or null: answer the `ErrorDetail`. */
export function refusalPageFor(req: Request, status: number, error: HubError): RefusalPage | null {
  return pagesOf.get(req)?.(status, error, req) ?? null;
}

/**
 * A browser navigating (what a person typed, bookmarked or clicked): its
 * Accept names text/html and prefers it to JSON. A script's `*\/*`, JSON, or
 * no Accept at all is not: those callers keep the `ErrorDetail`.
 */
export function prefersHtml(req: Request): boolean {
  const accept = req.headers.accept;
  if (typeof accept !== 'string' || !/\btext\/html\b/i.test(accept)) return false;
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}
