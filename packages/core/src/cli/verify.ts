/** `yizheng verify-signature` and `yizheng verify-chain`: the server's checks from a terminal. */
import { parseCertificate, parseCertificates, type Certificate } from '../cert/index';
import { assertSignature, type SignatureFormat } from '../crypto/index';
import { isYizhengError, type Locale, type YizhengError } from '../errors/index';
import { asYizhengError, cliErrorJson, cliMessage, cliRemedy } from './errors';
import { formatBeijingTime } from './time';
import { createRevocationChecker, createTrustStore, validateCertificatePath } from '../trust/index';

const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;

/** A signature argument read from a file holds DER bytes or base64 text (what vendor clients return). */
export function signatureFromFile(bytes: Uint8Array): Uint8Array | string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return bytes.length > 0 && BASE64_TEXT.test(text) ? text.replace(/\s+/g, '') : bytes;
}

/** The outcome of one CLI check, for text or JSON output. */
export interface CheckOutcome {
  readonly ok: boolean;
  readonly json: Record<string, unknown>;
  readonly text: string;
}

function failure(thrown: YizhengError, locale: Locale): CheckOutcome {
  const err = asYizhengError(thrown);
  return {
    ok: false,
    json: { valid: false, error: cliErrorJson(err) },
    text: `${locale === 'en' ? 'INVALID: ' : '无效：'}[${err.code}] ${cliMessage(err, locale)}\n${cliRemedy(err, locale)}`,
  };
}

function describe(c: Certificate): { subject: string; serialNumber: string; sha256: string } {
  return { subject: c.subject.toString(), serialNumber: c.serialNumber, sha256: c.sha256 };
}

/** Verifies `signature` over `data` with the certificate's key. */
export function checkSignature(
  options: { certificate: Uint8Array | string; data: Uint8Array; signature: Uint8Array | string; format: SignatureFormat; sm2UserId?: string },
  locale: Locale,
): CheckOutcome {
  try {
    const certificate = parseCertificate(options.certificate);
    assertSignature({
      certificate,
      data: options.data,
      signature: options.signature,
      format: options.format,
      ...(options.sm2UserId !== undefined && { sm2UserId: options.sm2UserId }),
    });
    return {
      ok: true,
      json: { valid: true, algorithm: certificate.publicKey.algorithm, signer: describe(certificate) },
      text: locale === 'en' ? `VALID: signed by ${certificate.subject.toString()}` : `有效：签名者 ${certificate.subject.toString()}`,
    };
  } catch (err) {
    if (isYizhengError(err)) return failure(err, locale);
    throw err;
  }
}

/** Validates the leaf's path to the anchors at `at`, checking supplied CRLs when given (never the network). */
export async function checkChain(
  options: { leaf: Uint8Array | string; anchors: (Uint8Array | string)[]; intermediates: (Uint8Array | string)[]; crls: (Uint8Array | string)[]; at: Date },
  locale: Locale,
): Promise<CheckOutcome> {
  try {
    const trustStore = createTrustStore(options.anchors.flatMap((a) => parseCertificates(a)));
    const result = await validateCertificatePath(parseCertificate(options.leaf), {
      trustStore,
      intermediates: options.intermediates.flatMap((i) => parseCertificates(i)),
      at: options.at,
      ...(options.crls.length > 0 && {
        revocation: createRevocationChecker({
          policy: 'require',
          methods: ['crl'],
          crls: options.crls,
          // Offline by design: only the CRLs given on the command line are consulted.
          fetch: () => Promise.reject(new Error('network disabled in yizheng verify-chain')),
        }),
      }),
    });
    const warnings = result.warnings.map((w) => ({ code: w.code, message: cliMessage(asYizhengError(w), locale) }));
    const lines = result.path.map((c, i) => `  ${i}. ${c.subject.toString()} (${c.serialNumber})`);
    const at = formatBeijingTime(result.at, locale);
    return {
      ok: true,
      json: { valid: true, at: result.at.toISOString(), path: result.path.map(describe), revocationChecked: options.crls.length > 0, warnings },
      text: [locale === 'en' ? `VALID chain at ${at}:` : `证书链有效，检查时间 ${at}：`, ...lines, ...warnings.map((w) => `  ! [${w.code}] ${w.message}`)].join('\n'),
    };
  } catch (err) {
    if (isYizhengError(err)) return failure(err, locale);
    throw err;
  }
}
