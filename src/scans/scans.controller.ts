import { Body, Controller } from '@nestjs/common';
import { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import { Serves } from '@app/operations/serves.decorator';
import { notifyScanOperation } from './notify-scan.operation';
import { ScansService } from './scans.service';

@Controller()
export class ScansController {
  constructor(private readonly scans: ScansService) {}

  @Serves(notifyScanOperation)
  async notifyScan(@Body() scan: ScanNotificationDto): Promise<void> {
    await this.scans.notify(scan);
  }
}
