import QRCode from 'qrcode';

/** A QR code of `text` as an SVG document (server-rendered: the dashboard ships no QR encoder). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
