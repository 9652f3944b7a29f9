import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '@app/operations/route-access';
import { OutboxStats } from '@app/outbox/outbox-stats';
import { NotReadyError } from '@app/errors/hub-error';
import { Database } from '@app/persistence/database';
import { ShutdownState } from './shutdown-state';

const DB_CHECK_TIMEOUT_MS = 2_000;

/**
 * Liveness and readiness (docs/protocol.md §11). Not ready while the database cannot be
 * reached or the hub is shutting down; the outbox figures are reported for
 * operators. A 503 carries an ErrorDetail whose detailMessage is the check
 * result, like every other non-2xx answer.
 */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: Database,
    private readonly outbox: OutboxStats,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ operationId: 'liveness', summary: 'Liveness: the process answers' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    operationId: 'readiness',
    summary: 'Readiness: database reachable, outbox readable, not shutting down',
  })
  async ready() {
    try {
      return await this.health.check([() => this.database(), () => this.queue(), () => this.accepting()]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new NotReadyError(error.getResponse());
      }
      throw error;
    }
  }

  private async database(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('database');
    try {
      await withTimeout(this.db.ping(), DB_CHECK_TIMEOUT_MS);
      return check.up({ type: this.db.isPostgres ? 'postgres' : 'sqlite' });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async queue(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('outbox');
    try {
      return check.up({ partners: await withTimeout(this.outbox.perPartner(), DB_CHECK_TIMEOUT_MS) });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private accepting(): HealthIndicatorResult {
    const check = this.indicators.check('accepting');
    return this.shutdown.stopping ? check.down({ message: 'shutting down' }) : check.up();
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
