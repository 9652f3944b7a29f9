import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ForbiddenError } from '@app/errors/hub-error';

/**
 * CSRF defence for the operator's state-changing requests. A browser sends
 * cached Basic-auth credentials with any request to the hub, including a form
 * another site submits, so a hostile page could retry or resolve advices in
 * the operator's name. Browsers say where a request comes from: modern ones
 * send `Sec-Fetch-Site`, and all current ones send `Origin` on a POST. A
 * request either header marks as coming from elsewhere is refused (403).
 * A request with neither comes from a script or curl, which cannot borrow a
 * browser's credentials, so it passes.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const problem = crossSiteProblem(req.headers);
    if (problem) throw new ForbiddenError(problem);
    return true;
  }
}

/** Why the request is cross-site, or null when it is not (exported for unit tests). */
export function crossSiteProblem(headers: Request['headers']): string | null {
  const site = headers['sec-fetch-site'];
  // `none`: the operator typed or bookmarked the URL — not a page acting for them.
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'Cross-site request refused';
  const origin = headers.origin;
  if (origin === undefined) return null;
  // Only the host is compared: behind a TLS-terminating proxy the hub may not know the scheme the browser used.
  if (origin === 'null' || hostOf(origin) !== headers.host?.toLowerCase()) return 'Cross-origin request refused';
  return null;
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}
