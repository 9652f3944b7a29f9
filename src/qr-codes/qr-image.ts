import QRCode from 'qrcode';

/** Image formats a thin POS may ask for (docs/protocol.md §11). */
export type QrImageFormat = 'png' | 'svg';

/** The media type of each format, in the order of preference when the client accepts both. */
export const QR_IMAGE_TYPES: Record<QrImageFormat, string> = { png: 'image/png', svg: 'image/svg+xml' };

/*
 * Medium error correction (15 %) survives a scratched or glary till screen
 * without making the symbol much denser; the 4-module quiet zone is the
 * minimum the QR standard asks for. PNG: 8 px per module (about 300 px for
 * the minimal payload) keeps edges sharp and costs ~10 ms of CPU; a fixed
 * pixel width would resample and cost twice that. SVG scales freely.
 */
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;
const PNG_PX_PER_MODULE = 8;

/** Renders a QR payload (the TLV string of a QR code) as a PNG buffer or an SVG document. */
export async function renderQrImage(payload: string, format: QrImageFormat): Promise<Buffer | string> {
  if (format === 'png') return QRCode.toBuffer(payload, { ...OPTIONS, type: 'png', scale: PNG_PX_PER_MODULE });
  return QRCode.toString(payload, { ...OPTIONS, type: 'svg' });
}
