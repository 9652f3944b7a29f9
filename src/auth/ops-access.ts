import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EnvConfig } from '@app/config/env.validation';
import { errorDetailFor } from '@app/common/http/error-answer';
import { httpStatusOf } from '@app/errors/http-status';
import { AuthenticationError, ForbiddenError, HubError } from '@app/errors/hub-error';
import { basicCredentials } from './basic-credentials';
import type { CredentialsService } from './credentials.service';

/*
 * The operations endpoints of docs/protocol.md §11. Case-insensitive because express
 * routes case-insensitively: /METRICS reaches the same handler as /metrics.
 */
const OPS_PATH = /^\/+(?:health|metrics|docs)(?:[-/]|$)/i;

/**
 * OPS_AUTH=operator: health, metrics and the API docs need the Basic
 * credential of an institution with role `operator` (401 without, 403 for a
 * retailer or partner); failed attempts count towards the login throttle like
 * any other. An express middleware rather than the Nest guard because the
 * Swagger UI routes are not Nest controllers. `open` leaves them as they are.
 */
export function opsAccess(mode: EnvConfig['opsAuth'], credentials: CredentialsService): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (mode === 'open' || !OPS_PATH.test(req.path)) return next();
    void checkOperator(req, credentials).then(
      () => next(),
      (error: unknown) => {
        if (!(error instanceof HubError)) return next(error);
        for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
        res.status(httpStatusOf(error)).json(errorDetailFor(error, req));
      },
    );
  };
}

async function checkOperator(req: Request, credentials: CredentialsService): Promise<void> {
  const basic = basicCredentials(req.headers.authorization);
  if (!basic) throw new AuthenticationError();
  const principal = await credentials.authenticate(basic.username, basic.password, req.ip ?? 'unknown');
  if (!principal) throw new AuthenticationError();
  if (principal.role !== 'operator' && principal.role !== 'viewer')
    throw new ForbiddenError('Operator credential required');
}
