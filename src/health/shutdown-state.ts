import { Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Set once SIGTERM (or app.close) begins: readiness turns false so load
 * balancers stop sending, and the server stops accepting connections at once
 * (docs/protocol.md §10). Nest itself closes the server only after every
 * `beforeApplicationShutdown` hook, which may wait up to a partner timeout for
 * calls in flight; `onModuleDestroy` runs before all of them. Connections
 * already open are served until they finish.
 */
@Injectable()
export class ShutdownState implements OnModuleDestroy {
  stopping = false;

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  onModuleDestroy(): void {
    this.stopping = true;
    const server = this.adapterHost?.httpAdapter?.getHttpServer() as { listening?: boolean; close(): void } | undefined;
    if (server?.listening) server.close();
  }
}
