import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/** Set once SIGTERM (or app.close) begins: readiness turns false so load balancers stop sending. */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  stopping = false;

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }
}
