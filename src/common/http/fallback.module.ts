import { All, Controller, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { UnsupportedMethodError } from '@app/errors/hub-error';

/**
 * Unknown operations under the protocol base path (docs/protocol.md §2): another method on
 * a known path is 501, anything else is left to the router's 404. Not part of
 * the published API: it only refuses what the API does not offer.
 */
@ApiExcludeController()
@Controller('qr/v1')
class UnsupportedMethodController {
  @All(['qrCodes', 'qrCodes/:tranId/image', 'payments', 'payments/confirmations', 'payments/reversals', 'scans'])
  unsupported(): never {
    throw new UnsupportedMethodError();
  }
}

@Module({ controllers: [UnsupportedMethodController] })
export class FallbackModule {}
