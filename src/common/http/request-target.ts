import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger as PinoLogger } from 'pino';
import { errorDetailFor } from './error-answer';
import { RequestTargetTooLongError } from '@app/errors/hub-error';
import { httpStatusOf } from '@app/errors/http-status';

/**
 * Longest request-target (path and query) the hub reads, in characters. Its
 * own paths are under 120; the limit keeps every pattern that later reads a
 * path (routing, logging, the operations table) working on bounded input.
 */
export const MAX_REQUEST_TARGET = 2_048;

/**
 * Answers `414 FORMAT_ERROR` to a request whose target is longer than
 * {@link MAX_REQUEST_TARGET}, before anything else reads it: before the body,
 * authentication and routing. Node's parser already refuses a request line
 * beyond its 16 KiB header limit (431).
 */
export function requestTargetLimit(logger: PinoLogger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const target = req.originalUrl ?? req.url;
    if (target.length <= MAX_REQUEST_TARGET) return next();
    logger.info(
      { req: { method: req.method, targetLength: target.length }, res: { statusCode: 414 } },
      `${req.method} request target of ${target.length} characters refused (limit ${MAX_REQUEST_TARGET})`,
    );
    const error = new RequestTargetTooLongError();
    res.setHeader('Connection', 'close');
    res.status(httpStatusOf(error)).json(errorDetailFor(error, req));
  };
}
