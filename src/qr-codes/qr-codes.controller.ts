import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import { withIdsAsSent } from '@app/common/validation/message-id';
import type { Request, Response } from 'express';
import type { Principal } from '@app/auth/principal';
import { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import type { CreateQrCodeResponse } from '@app/common/dto/create-qr-code-response';
import { NotAcceptableError } from '@app/errors/hub-error';
import { Serves } from '@app/operations/serves.decorator';
import { createQrCodeOperation } from './create-qr-code.operation';
import { qrCodeImageOperation } from './qr-code-image.operation';
import { QR_IMAGE_TYPES, QrImageFormat } from './qr-image';
import { QrCodesService } from './qr-codes.service';

@Controller()
export class QrCodesController {
  constructor(private readonly qrCodes: QrCodesService) {}

  @Serves(createQrCodeOperation)
  async create(@Body() request: CreateQrCodeRequestDto, @Req() req: Request): Promise<CreateQrCodeResponse> {
    return withIdsAsSent(await this.qrCodes.create(request), req.body);
  }

  /**
   * The code as an image for a till that cannot draw QR codes (docs/protocol.md §11):
   * PNG or SVG by the Accept header. Written straight to the response, so the
   * image never passes through the interceptors as a JSON body.
   */
  @Serves(qrCodeImageOperation)
  async image(
    @Param('tranId') tranId: string,
    @Req() req: Request & { user: Principal },
    @Res() res: Response,
  ): Promise<void> {
    const format = acceptedFormat(req);
    const image = await this.qrCodes.image(tranId, req.user.id, format);
    res.status(200);
    res.setHeader('Content-Type', QR_IMAGE_TYPES[format]);
    // The answer depends on Accept, and the code is the retailer's alone: no shared caches.
    res.setHeader('Vary', 'Accept');
    res.setHeader('Cache-Control', 'private, no-store');
    res.end(image);
  }
}

/** PNG unless the client prefers SVG; no Accept (or any image) gets PNG. */
function acceptedFormat(req: Request): QrImageFormat {
  const accepted = req.accepts([QR_IMAGE_TYPES.png, QR_IMAGE_TYPES.svg]);
  if (accepted === QR_IMAGE_TYPES.png) return 'png';
  if (accepted === QR_IMAGE_TYPES.svg) return 'svg';
  throw new NotAcceptableError('Accept image/png or image/svg+xml');
}
