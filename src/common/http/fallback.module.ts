import { All, Controller, Module } from '@nestjs/common';
import { FunctionNotSupportedError } from '@app/errors/hub-error';

/**
 * Unknown operations under the protocol base path (SPEC §2): another method on
 * a known path is 501, anything else is left to the router's 404.
 */
@Controller('qr/v1')
class UnsupportedMethodController {
  @All(['qrCodes', 'payments', 'payments/confirmations', 'payments/reversals', 'scans'])
  unsupported(): never {
    throw new FunctionNotSupportedError('Method not supported', 501);
  }
}

@Module({ controllers: [UnsupportedMethodController] })
export class FallbackModule {}
