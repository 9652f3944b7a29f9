import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { withIdsAsSent } from '@app/common/validation/message-id';
import type { Request, Response } from 'express';
import { IdentityFrom, Roles } from '@app/auth/auth.decorators';
import type { Principal } from '@app/auth/principal';
import { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import type { CreateQrCodeResponse } from '@app/common/dto/create-qr-code-response';
import { BASIC_AUTH } from '@app/docs/api-security';
import { NotAcceptableError } from '@app/errors/hub-error';
import { QR_IMAGE_TYPES, QrImageFormat } from './qr-image';
import { QrCodesService } from './qr-codes.service';

const errorDetail = { $ref: getSchemaPath('ErrorDetail') };
const binary = { schema: { type: 'string', format: 'binary' } };

@Controller('qr/v1/qrCodes')
export class QrCodesController {
  constructor(private readonly qrCodes: QrCodesService) {}

  /** createQrCode (docs/protocol.md §1, §4); documented in src/docs/api-operations.ts with the other four. */
  @Post()
  @HttpCode(201)
  @Roles('retailer')
  @IdentityFrom('client')
  async create(@Body() request: CreateQrCodeRequestDto, @Req() req: Request): Promise<CreateQrCodeResponse> {
    return withIdsAsSent(await this.qrCodes.create(request), req.body);
  }

  /**
   * The code as an image for a till that cannot draw QR codes (docs/protocol.md §11):
   * PNG or SVG by the Accept header. Written straight to the response, so the
   * image never passes through the interceptors as a JSON body.
   */
  @Get(':tranId/image')
  @Roles('retailer')
  @ApiTags('retailer')
  @ApiBasicAuth(BASIC_AUTH)
  @ApiOperation({ operationId: 'qrCodeImage', summary: 'The QR code as a PNG or SVG image, chosen by Accept' })
  @ApiParam({ name: 'tranId', description: 'The tranId of the CreateQrCodeResponse' })
  @ApiProduces(QR_IMAGE_TYPES.png, QR_IMAGE_TYPES.svg)
  @ApiResponse({ status: 200, description: 'The image', content: { 'image/png': binary, 'image/svg+xml': binary } })
  @ApiResponse({ status: 401, description: 'No or wrong credentials', schema: errorDetail })
  @ApiResponse({ status: 403, description: 'Not a retailer', schema: errorDetail })
  @ApiResponse({
    status: 404,
    description: 'UNABLE_TO_LOCATE_RECORD: no such code of this retailer',
    schema: errorDetail,
  })
  @ApiResponse({
    status: 406,
    description: 'FORMAT_ERROR: Accept names neither image/png nor image/svg+xml',
    schema: errorDetail,
  })
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
