import { Client } from 'pg';

/** The message pg rejects a query with when `query_timeout` runs out. */
const READ_TIMEOUT = 'Query read timeout';

type Query = (this: Client, ...args: unknown[]) => unknown;
const baseQuery = Client.prototype.query as Query;

/**
 * The PostgreSQL client the hub's pool makes (pg-pool's `Client` option).
 *
 * pg's `query_timeout` rejects a query whose answer does not come (a database
 * host that stopped answering without closing the socket) but leaves the
 * connection waiting for that answer. The pool would then hand the stuck
 * connection to the next unit of work, whose statements queue behind the lost
 * answer — and, should the server answer after all, run inside the abandoned
 * transaction and commit its writes. So a connection whose query timed out is
 * closed at once: `end()` destroys the socket while a query is active, and the
 * pool discards a client that is ending when it is released.
 */
export class PgClient extends Client {}

(PgClient.prototype as unknown as { query: Query }).query = function query(this: Client, ...args: unknown[]) {
  const result = baseQuery.apply(this, args);
  // Only the promise form is used (TypeORM); callback and stream forms pass through.
  if (result instanceof Promise) {
    result.catch((error: unknown) => {
      if (error instanceof Error && error.message === READ_TIMEOUT) this.end().catch(() => undefined);
    });
  }
  return result;
};
