import { deflateSync, inflateSync } from 'node:zlib';
import { SigningError } from '../errors.js';
import { unpredictPng } from '../pdf/filters.js';
import { PdfStream, dict, name, type PdfRef } from '../pdf/objects.js';
import type { IncrementalWriter } from '../pdf/writer.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 = gray, 3 = RGB, 8 bits per component. */
  colors: 1 | 3;
  pixels: Buffer;
  alpha?: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Limits for a signature or seal image (a 40 mm seal at 1200 dpi is 1890 px). */
const MAX_SIDE = 10000;
const MAX_PIXELS = 25_000_000;

function bad(msg: string): SigningError {
  return new SigningError('IMAGE_UNSUPPORTED', msg);
}

/** Reads width and height from the IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(SIGNATURE))
    throw bad('image is not a PNG file');
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw bad('PNG does not start with IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (
    width < 1 ||
    height < 1 ||
    width > MAX_SIDE ||
    height > MAX_SIDE ||
    width * height > MAX_PIXELS
  )
    throw bad(
      `PNG of ${width} x ${height} pixels (at most ${MAX_SIDE} a side, ${MAX_PIXELS} in all)`,
    );
  return { width, height };
}

/** Decodes a non-interlaced PNG (gray, RGB, palette, with or without alpha; 8-bit, or 1/2/4-bit palette/gray). */
export function decodePng(png: Buffer): DecodedImage {
  const { width, height } = pngSize(png);
  let pos = 8;
  let bitDepth = 0;
  let colorType = 0;
  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  const idat: Buffer[] = [];
  while (pos + 8 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      bitDepth = data[8]!;
      colorType = data[9]!;
      if (data[12] !== 0) throw bad('interlaced PNG images are not supported');
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!channels) throw bad(`unsupported PNG colour type ${colorType}`);
  if (bitDepth === 16 || (bitDepth !== 8 && colorType !== 0 && colorType !== 3)) {
    throw bad(`unsupported PNG bit depth ${bitDepth}`);
  }
  let raw: Buffer;
  try {
    raw = unpredictPng(inflateSync(Buffer.concat(idat)), width, channels, bitDepth);
  } catch {
    throw bad('corrupt PNG image data');
  }
  const n = width * height;
  const sample = (row: number, x: number): number => {
    if (bitDepth === 8) return raw[row * width * channels + x]!;
    const rowLen = Math.ceil((width * bitDepth) / 8);
    const bit = x * bitDepth;
    const byte = raw[row * rowLen + (bit >> 3)]!;
    const v = (byte >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
    return colorType === 3 ? v : Math.round((v * 255) / ((1 << bitDepth) - 1));
  };
  if (colorType === 3) {
    if (!palette) throw bad('palette PNG without PLTE');
    const pixels = Buffer.alloc(n * 3);
    const alpha = trns ? Buffer.alloc(n) : undefined;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = sample(y, x);
        const p = y * width + x;
        palette.copy(pixels, p * 3, i * 3, i * 3 + 3);
        if (alpha) alpha[p] = i < trns!.length ? trns![i]! : 255;
      }
    }
    return { width, height, colors: 3, pixels, alpha };
  }
  if (bitDepth !== 8) {
    const pixels = Buffer.alloc(n);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) pixels[y * width + x] = sample(y, x);
    return { width, height, colors: 1, pixels };
  }
  if (colorType === 0 || colorType === 2)
    return { width, height, colors: channels as 1 | 3, pixels: raw };
  const colors = (channels - 1) as 1 | 3;
  const pixels = Buffer.alloc(n * colors);
  const alpha = Buffer.alloc(n);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < colors; c++) pixels[p * colors + c] = raw[p * channels + c]!;
    alpha[p] = raw[p * channels + colors]!;
  }
  return { width, height, colors, pixels, alpha };
}

interface EncodedImage {
  width: number;
  height: number;
  colors: 1 | 3;
  /** The deflated pixels and, when the image is not opaque, the deflated alpha. */
  pixels: Buffer;
  alpha?: Buffer;
}

/**
 * Decoded and deflated once per PNG buffer: every leader's signature embeds the same mark, and
 * decoding and deflating it was a few milliseconds of each signature.
 */
const encoded = new WeakMap<Buffer, EncodedImage>();

function encodedPng(png: Buffer): EncodedImage {
  const known = encoded.get(png);
  if (known) return known;
  const img = decodePng(png);
  const result: EncodedImage = {
    width: img.width,
    height: img.height,
    colors: img.colors,
    pixels: deflateSync(img.pixels),
    alpha: img.alpha && img.alpha.some((a) => a !== 255) ? deflateSync(img.alpha) : undefined,
  };
  encoded.set(png, result);
  return result;
}

/** Writes the PNG as an image XObject (with an /SMask for transparency) and returns its ref. */
export function embedPng(
  png: Buffer,
  writer: IncrementalWriter,
): { ref: PdfRef; width: number; height: number } {
  const img = encodedPng(png);
  let smask: PdfRef | undefined;
  if (img.alpha) {
    smask = writer.allocate();
    writer.set(
      smask,
      new PdfStream(
        dict({
          Type: name('XObject'),
          Subtype: name('Image'),
          Width: img.width,
          Height: img.height,
          ColorSpace: name('DeviceGray'),
          BitsPerComponent: 8,
          Filter: name('FlateDecode'),
        }),
        img.alpha,
      ),
    );
  }
  const ref = writer.allocate();
  writer.set(
    ref,
    new PdfStream(
      dict({
        Type: name('XObject'),
        Subtype: name('Image'),
        Width: img.width,
        Height: img.height,
        ColorSpace: name(img.colors === 3 ? 'DeviceRGB' : 'DeviceGray'),
        BitsPerComponent: 8,
        Filter: name('FlateDecode'),
        SMask: smask,
      }),
      img.pixels,
    ),
  );
  return { ref, width: img.width, height: img.height };
}

/** Points per metre. */
const PT_PER_METRE = 72 / 0.0254;

/**
 * The physical size in points from the PNG's pHYs chunk (unit 1 = pixels per metre), or
 * undefined when the image has no pHYs, gives only an aspect ratio (unit 0) or zero densities.
 */
export function pngPhysicalSize(png: Buffer): { width: number; height: number } | undefined {
  const { width, height } = pngSize(png);
  let pos = 8;
  while (pos + 8 <= png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (type === 'IDAT' || type === 'IEND' || pos + 12 + len > png.length) return undefined;
    if (type === 'pHYs') {
      if (len !== 9) return undefined;
      const ppmX = png.readUInt32BE(pos + 8);
      const ppmY = png.readUInt32BE(pos + 12);
      const unit = png[pos + 16];
      if (unit !== 1 || ppmX === 0 || ppmY === 0) return undefined;
      return { width: (width / ppmX) * PT_PER_METRE, height: (height / ppmY) * PT_PER_METRE };
    }
    pos += 12 + len;
  }
  return undefined;
}
