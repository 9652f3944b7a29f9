import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@app/operations/route-access';
import { CONSOLE_SCRIPT } from './page-headers';

/** The console's one script, served by the hub itself (no CDN; see LIVE_PAGE_HEADERS). */
@ApiExcludeController()
@Controller('console/assets')
@Roles('operator', 'viewer')
export class ConsoleAssetsController {
  @Get('refresh.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'private, max-age=3600')
  refreshScript(): string {
    return CONSOLE_SCRIPT;
  }
}
