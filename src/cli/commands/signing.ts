import {
  appendFileSync,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {
  httpTimestampProvider,
  importPkcs12,
  loadCrls,
  loadSigningKey,
  parseCertificates,
  readCertificatesFromDir,
} from '../../pki/index.js';
import {
  formatReport,
  signPdfIncrement,
  verifyPdf,
  type Appearance,
  type Rect,
  type SignerKey,
} from '../../signing/index.js';
import { parseOptions, requireOption, UsageError, type CliCommand } from '../command.js';
import { certsDir } from './pki.js';

function readInput(file: string, what: string): Buffer {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new UsageError(`${what} not found: ${file}`);
  return readFileSync(file);
}

export function parseRect(value: string, option: string): Rect {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (
    parts.length !== 4 ||
    parts.some((n) => !Number.isFinite(n)) ||
    parts[2]! <= 0 ||
    parts[3]! <= 0
  ) {
    throw new UsageError(
      `--${option} must be x,y,w,h in points with w and h above 0, got "${value}"`,
    );
  }
  return parts as Rect;
}

function parsePage(value: string | undefined, option: string): number {
  if (value === undefined) return 1;
  const page = Number(value);
  if (!Number.isInteger(page) || page < 1)
    throw new UsageError(`--${option} must be a page number from 1, got "${value}"`);
  return page;
}

function loadSigner(values: Record<string, string | boolean | undefined>): SignerKey {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const p12 = str('p12');
  const key = str('key');
  const cert = str('cert');
  if (p12 && (key || cert))
    throw new UsageError('Give either --p12 or --key with --cert, not both');
  if (p12) {
    const pass = str('pass') ?? process.env.P12_PASSWORD;
    if (!pass) throw new UsageError('--p12 needs --pass (or P12_PASSWORD in the environment)');
    const { privateKey, certificate, chain } = importPkcs12(readInput(p12, 'PKCS#12 file'), pass);
    return { privateKey, certificate, chain };
  }
  if (!key || !cert)
    throw new UsageError('Give the signer as --p12 F --pass P, or --key K --cert C [--pin PIN]');
  const privateKey = loadSigningKey(
    readInput(key, 'Key file'),
    str('pin') ?? process.env.SIGNING_PIN,
  );
  const [certificate, ...chain] = parseCertificates(readInput(cert, 'Certificate file'));
  const extra = str('chain') ? parseCertificates(readInput(str('chain')!, 'Chain file')) : [];
  return { privateKey, certificate: certificate!, chain: [...chain, ...extra] };
}

function buildAppearance(
  values: Record<string, string | boolean | undefined>,
): Appearance | undefined {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const kind = str('appearance');
  if (kind === undefined) {
    for (const opt of ['rect', 'image', 'name', 'title', 'number', 'date', 'font-size']) {
      if (str(opt) !== undefined) throw new UsageError(`--${opt} needs --appearance`);
    }
    if (values['image-only']) throw new UsageError('--image-only needs --appearance leader');
    return undefined;
  }
  const page = parsePage(str('page'), 'page');
  const image = str('image') ? readInput(str('image')!, 'Image') : undefined;
  const rect = () => parseRect(requireOption(values, 'rect'), 'rect');
  const fontSizeText = str('font-size');
  if (fontSizeText !== undefined && fontSizeText !== '13' && fontSizeText !== '14')
    throw new UsageError(`--font-size must be 13 or 14, got "${fontSizeText}"`);
  const fontSize = fontSizeText === undefined ? undefined : (Number(fontSizeText) as 13 | 14);
  const placed = (textOpt: string, rectOpt: string) => {
    const text = str(textOpt);
    if (text === undefined) return undefined;
    return {
      text,
      page: parsePage(str(`${rectOpt}-page`) ?? str('page'), `${rectOpt}-page`),
      rect: parseRect(requireOption(values, rectOpt), rectOpt),
    };
  };
  if (values['image-only'] && kind !== 'leader')
    throw new UsageError('--image-only is for --appearance leader');
  switch (kind) {
    case 'leader':
      if (values['image-only']) {
        for (const opt of ['name', 'title', 'authority', 'font-size']) {
          if (str(opt) !== undefined)
            throw new UsageError(`--image-only draws no text: drop --${opt}`);
        }
        if (!image) throw new UsageError('--image-only needs --image');
        return { kind, page, rect: rect(), image, imageOnly: true };
      }
      return {
        kind,
        page,
        rect: rect(),
        image,
        name: requireOption(values, 'name'),
        title: requireOption(values, 'title'),
        authorityPrefix: str('authority'),
        fontSize,
      };
    case 'seal':
      return {
        kind,
        page,
        // Without --rect the seal overlaps the left third of the leader's signature image.
        rect: str('rect') === undefined ? undefined : rect(),
        image,
        number: placed('number', 'number-rect'),
        date: placed('date', 'date-rect'),
        fontSize,
      };
    case 'attachment':
      return { kind, codeText: requireOption(values, 'number') };
    default:
      throw new UsageError(`--appearance must be leader, seal or attachment, got "${kind}"`);
  }
}

function parseCertify(value: string | undefined): 1 | 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === '2' || value === '3') return Number(value) as 1 | 2 | 3;
  throw new UsageError(
    `--certify must be 1 (no changes), 2 (form filling and signatures) or 3 (also annotations), got "${value}"`,
  );
}

const sign: CliCommand = {
  summary: 'Sign a PDF (PAdES, incremental update) with a .p12 or a PIN-protected key',
  usage:
    'sign --in A.pdf --out B.pdf (--p12 F --pass P | --key K --cert C [--pin PIN] [--chain F]) ' +
    '[--appearance leader|seal|attachment --page N --rect x,y,w,h --image sig.png --name .. --title .. ' +
    '--authority "KT. CHỦ TỊCH" [--image-only] [--font-size 13|14] --number .. --number-rect x,y,w,h ' +
    "--date .. --date-rect x,y,w,h (seal: --rect optional, else over the leader's image)] " +
    '[--reason ..] [--location ..] [--field NAME] [--subfilter cades|pkcs7] [--time ISO] [--tsa URL] [--certify 1|2|3]',
  async run(argv) {
    const { values } = parseOptions(argv, {
      in: { type: 'string' },
      out: { type: 'string' },
      p12: { type: 'string' },
      pass: { type: 'string' },
      key: { type: 'string' },
      cert: { type: 'string' },
      pin: { type: 'string' },
      chain: { type: 'string' },
      appearance: { type: 'string' },
      page: { type: 'string' },
      rect: { type: 'string' },
      image: { type: 'string' },
      name: { type: 'string' },
      title: { type: 'string' },
      authority: { type: 'string' },
      'image-only': { type: 'boolean' },
      'font-size': { type: 'string' },
      number: { type: 'string' },
      'number-rect': { type: 'string' },
      'number-rect-page': { type: 'string' },
      date: { type: 'string' },
      'date-rect': { type: 'string' },
      'date-rect-page': { type: 'string' },
      reason: { type: 'string' },
      location: { type: 'string' },
      field: { type: 'string' },
      subfilter: { type: 'string' },
      time: { type: 'string' },
      tsa: { type: 'string' },
      certify: { type: 'string' },
    });
    const input = requireOption(values, 'in');
    // PAdES B-T when a timestamp authority is configured (--tsa, else TSA_URL).
    const tsaUrl = values.tsa ?? process.env.TSA_URL ?? '';
    if (tsaUrl && !/^https?:\/\//.test(tsaUrl))
      throw new UsageError(`--tsa must be an http(s) URL: ${tsaUrl}`);
    const output = requireOption(values, 'out');
    if (path.resolve(input) === path.resolve(output))
      throw new UsageError('--out must differ from --in');
    const subFilter = { cades: 'ETSI.CAdES.detached', pkcs7: 'adbe.pkcs7.detached' }[
      values.subfilter ?? 'cades'
    ] as 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached' | undefined;
    if (!subFilter) throw new UsageError('--subfilter must be cades or pkcs7');
    const signingTime = values.time === undefined ? undefined : new Date(values.time);
    if (signingTime && Number.isNaN(signingTime.getTime()))
      throw new UsageError(`--time is not an ISO 8601 time: ${values.time}`);
    const appearance = buildAppearance(values);
    const pdf = readInput(input, 'Input PDF');
    const signer = loadSigner(values);
    // Written as the original bytes then the increment: no second in-memory copy of a large file.
    const { original, increment } = await signPdfIncrement(pdf, {
      signer,
      subFilter,
      signingTime,
      reason: values.reason,
      location: values.location,
      fieldName: values.field,
      appearance,
      timestamp: tsaUrl ? httpTimestampProvider(tsaUrl) : undefined,
      certify: parseCertify(values.certify),
    });
    const tmp = `${output}.${process.pid}.tmp`;
    writeFileSync(tmp, original);
    appendFileSync(tmp, increment);
    renameSync(tmp, output);
    console.log(`Signed ${input} -> ${output} (${increment.length} bytes appended)`);
  },
};

/** Trust anchors from a folder of certificates or one certificate file (PEM or DER). */
function readTrust(p: string, given: boolean): Buffer[] {
  if (!existsSync(p)) {
    if (given) throw new UsageError(`Trust folder or file not found: ${p}`);
    return [];
  }
  if (statSync(p).isDirectory()) return readCertificatesFromDir(p);
  try {
    return parseCertificates(readFileSync(p));
  } catch {
    throw new UsageError(`Not a certificate file (PEM or DER): ${p}`);
  }
}

const verify: CliCommand = {
  summary: 'Verify every signature of a PDF (exit 0 only when all are valid and trusted)',
  usage: 'verify F.pdf [--json] [--trust DIR|FILE ...] [--crl F.crl ...] [--lang vi|en]',
  async run(argv) {
    const { values, positionals } = parseOptions(
      argv,
      {
        json: { type: 'boolean' },
        trust: { type: 'string', multiple: true },
        crl: { type: 'string', multiple: true },
        lang: { type: 'string' },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('Give exactly one PDF file to verify');
    const lang = values.lang ?? 'vi';
    if (lang !== 'vi' && lang !== 'en') throw new UsageError('--lang must be vi or en');
    const pdf = readInput(positionals[0]!, 'PDF');
    const trustPaths = values.trust?.length ? values.trust : [path.join(certsDir(), 'trust')];
    const trustAnchors = trustPaths.flatMap((p) => readTrust(p, values.trust !== undefined));
    if (trustAnchors.length === 0)
      console.error(
        `Cảnh báo: không có chứng thư tin cậy trong ${trustPaths.join(', ')}; không người ký nào được tin cậy.\n` +
          `Warning: no trust anchors in ${trustPaths.join(', ')}; no signer can be trusted.`,
      );
    const crls = [...loadCrls(certsDir()), ...(values.crl ?? []).map((f) => readInput(f, 'CRL'))];
    const report = verifyPdf(pdf, { trustAnchors, crls });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report, lang));
    return report.valid ? 0 : 1;
  },
};

export const signingCommands: Record<string, CliCommand> = { sign, verify };
