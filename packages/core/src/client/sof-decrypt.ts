/**
 * Decryption for SOF drivers, kept out of `createSofDriver` so that the login page's bundle does not
 * carry it: {@link withSofDecrypt} adds `decrypt` (an envelope's content key, opened at 开标) to a
 * driver over the same {@link SofCarrier}, through `SOF_PriKeyDecrypt(CertID, InData)`.
 *
 * Names: `SOF_PriKeyDecrypt` with `(CertID, InData)` returning a string is field (BJCA's public
 * xtxasyn.js function table lists it, alias PriKeyDecrypt; other vendors' SOF libraries export the
 * same name); that `InData` is the base64 ciphertext and the value the base64 plaintext, and that the
 * container's encryption (exchange) key decrypts, are assumed (no public script shows a call).
 * `SOF_DecryptData` opens a whole PKCS#7 envelope instead (BJCA's alias DecodeP7Enveloped), and
 * `SOF_AsymDecrypt` appears in no script seen.
 */
import { cancelled } from './abort';
import { cleanBase64 } from './base64';
import { clientError, protocolError } from './errors';
import { sofErrorToClientError, type SofCarrier, type SofErrorCodes } from './sof';
import type { TokenCallOptions, TokenDecryptRequest, TokenDriver } from './token-driver';

/** Options of {@link withSofDecrypt}. */
export interface SofDecryptOptions {
  /** Time for the call (the client may ask the user); default 60 s. */
  readonly timeoutMs?: number | undefined;
  /** The codes the client uses beyond the standard's; default the carrier's `errorCodes`, else `standard`. */
  readonly errorCodes?: SofErrorCodes | undefined;
}

/** Largest ciphertext sent to the client: an envelope's content key, encrypted (an RSA-8192 block at most), as the PKCS#11 bridge takes it. */
const MAX_CIPHERTEXT_BYTES = 1024;

/** A driver that can decrypt. */
export type DecryptingDriver<D extends TokenDriver> = D & { decrypt(request: TokenDecryptRequest, options?: TokenCallOptions): Promise<string> };

/**
 * `driver` with `decrypt` through `carrier`'s `SOF_PriKeyDecrypt` (the same carrier the driver was
 * created with: `createSofDriver({ carrier })`, or `createSofJsonCarrier(...)` for a JSON client).
 * The call takes no algorithm: the key decrypts as it does (SM2 for SM2 keys; for RSA keys, whatever
 * the client does, usually PKCS#1 v1.5), so `request.algorithm` is not sent. Failures map as the
 * driver's own calls do ({@link sofErrorToClientError}); an unknown certificate on an empty key list
 * is `TOKEN_NOT_PRESENT`; a value that is not base64 is `CLIENT_PROTOCOL_ERROR`.
 */
export function withSofDecrypt<D extends TokenDriver>(driver: D, carrier: SofCarrier, options: SofDecryptOptions = {}): DecryptingDriver<D> {
  const fn = 'SOF_PriKeyDecrypt';
  async function decrypt(request: TokenDecryptRequest, o?: TokenCallOptions): Promise<string> {
    if (o?.signal?.aborted) throw cancelled(o.signal);
    const certId = request?.certificateId;
    const ciphertext = cleanBase64(request?.ciphertext);
    if (typeof certId !== 'string' || certId === '') throw clientError('CERT_NOT_FOUND', { fn, reason: 'no certificate id' });
    if (ciphertext === undefined) throw protocolError(`${fn}: the ciphertext is not base64`);
    if ((ciphertext.length / 4) * 3 - (ciphertext.length - ciphertext.replace(/=+$/, '').length) > MAX_CIPHERTEXT_BYTES) {
      throw protocolError(`${fn}: the ciphertext exceeds ${MAX_CIPHERTEXT_BYTES} bytes`);
    }
    const reply = await carrier.call(fn, [certId, ciphertext], { timeoutMs: options.timeoutMs ?? 60_000, ...(o?.signal && { signal: o.signal }) });
    if (reply.ok) {
      const plaintext = cleanBase64(reply.value);
      if (plaintext === undefined) throw protocolError(`${fn}: not base64`);
      return plaintext;
    }
    const error = sofErrorToClientError(reply.code, fn, { errorCodes: options.errorCodes ?? carrier.errorCodes, text: reply.text, meaning: reply.meaning });
    if (error.code !== 'CERT_NOT_FOUND') throw error;
    const list = await driver.listCertificates(o).catch(() => undefined);
    throw list?.length === 0 ? clientError('TOKEN_NOT_PRESENT', error.details, error) : clientError('CERT_NOT_FOUND', { ...error.details, certId }, error);
  }
  return Object.assign(driver, { decrypt });
}
