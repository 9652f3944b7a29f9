import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { OperationTable } from '@app/operations/operation-table';
import type { HubMetrics } from './hub-metrics';

/**
 * Counts and times every answer by interface operation and status. An
 * express middleware (not a Nest interceptor) so that answers given before a
 * handler runs — 401, 404, 413 — are counted too. Labels are bounded: the
 * operation's name from the operations table, never the raw path.
 */
export function requestMetrics(metrics: HubMetrics, operations: OperationTable): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.requestDuration.startTimer();
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      // A client that hangs up before the answer (a till giving up on pay) is its own status.
      const status = res.writableFinished ? String(res.statusCode) : 'disconnected';
      const labels = { operation: operations.nameOf(req) ?? 'other', status };
      stop(labels);
      metrics.requests.inc(labels);
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
