import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@app/operations/route-access';
import { HubMetrics } from './hub-metrics';

/**
 * `GET /metrics` in the Prometheus text format (docs/protocol.md §11). No retailer or
 * partner credential applies; OPS_AUTH=operator puts it behind the operator
 * credential (ops-access.ts).
 */
@ApiTags('operations')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(private readonly metrics: HubMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'metrics', summary: 'Prometheus metrics' })
  @ApiOkResponse({ description: 'Prometheus text format', content: { 'text/plain': {} } })
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    const text = await this.metrics.render();
    res.setHeader('Content-Type', this.metrics.contentType);
    return text;
  }
}
