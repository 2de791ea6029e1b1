/**
 * Test support (not exported): a stand-in for CFCA's CryptoKit wrapper (`nmCryptokit`), backed by a
 * software token signing detached CMS, with the CSP's PIN dialog simulated by `typePin` and the
 * Windows smart-card error codes CryptoKit passes on.
 */
import type { ClientFault, SoftwareToken } from '@yizheng/core/software-token';
import type { CfcaCryptoKit, CryptoKitResult } from './cryptokit';

/** What the emulated PIN dialog does: the PIN the user types, or null for 取消. */
export type PinDialog = () => string | null;

/** The stand-in and its controls. */
export interface CryptoKitEmulator extends CfcaCryptoKit {
  /** The `signMsgPKCS7` calls seen: hash algorithm and attached flag. */
  readonly signCalls: { readonly hash: string; readonly attached: boolean }[];
  /** Makes the next call's answer faulty (`wrong-id` cannot happen here: false). */
  tamper(fault: ClientFault): boolean;
  /** Makes the next call reject with this CryptoKit error. */
  failNext(error: CryptoKitResult): void;
}

const reject = (code: number, text: string): Promise<never> =>
  Promise.reject({ errorcode: code | 0, result: `0x${code.toString(16).toUpperCase()}: ${text}` });

/** The Windows codes for the token's errors (see the driver's module comment). */
const SCARD: Readonly<Record<string, readonly [number, string]>> = {
  PIN_INCORRECT: [0x8010006b, '密码错误'],
  PIN_LOCKED: [0x8010006c, '密码已锁定'],
  DEVICE_REMOVED: [0x80100069, '智能卡已被移除'],
  TOKEN_NOT_PRESENT: [0x8010000c, '未插入智能卡'],
  CERT_NOT_FOUND: [0x80092004, '找不到对象或属性'],
};

function fromToken(error: unknown): Promise<never> {
  const [code, text] = SCARD[(error as { code?: string }).code ?? ''] ?? [0x80004005, String(error)];
  return reject(code, text);
}

/** A CryptoKit stand-in over `token` (certificate ids are their serial numbers; `certType` is what CertType answers). */
export function emulateCryptoKit(token: SoftwareToken, options: { typePin: PinDialog; certType: 'SM2' | 'RSA' }): CryptoKitEmulator {
  let selected: string | undefined;
  const faults: ClientFault[] = [];
  const failures: CryptoKitResult[] = [];
  const signCalls: { hash: string; attached: boolean }[] = [];

  function answer(value: string): Promise<CryptoKitResult> {
    const failure = failures.shift();
    if (failure) return Promise.reject(failure);
    switch (faults.shift()) {
      case 'not-json':
        return Promise.resolve({ errorcode: 0, result: 12345 });
      case 'missing-fields':
        return Promise.resolve({ errorcode: 0 });
      case 'silent':
        return new Promise(() => undefined);
      default:
        return Promise.resolve({ errorcode: 0, result: value });
    }
  }

  return {
    signCalls,
    tamper(fault) {
      if (fault === 'wrong-id') return false;
      faults.push(fault);
      return true;
    },
    failNext(error) {
      failures.push(error);
    },
    async selectCertificate(_subject, _issuer, serial) {
      if (!token.present) return reject(0x8010000c, '未插入智能卡');
      const found = (await token.listCertificates()).find((c) => serial === '' || c.id === serial);
      if (!found) return reject(0x80092004, '找不到对象或属性');
      selected = found.id;
      return answer('true');
    },
    async getSignCertInfo(type) {
      const cert = (await token.listCertificates()).find((c) => c.id === selected);
      if (!cert) return reject(0x80092004, '找不到对象或属性');
      const fields: Record<string, string> = { CertContent: cert.certificate, SubjectCN: cert.label, SerialNumber: cert.id, CertType: options.certType };
      return answer(fields[type] ?? '');
    },
    async signMsgPKCS7(source, hash, attached) {
      signCalls.push({ hash, attached });
      if (selected === undefined) return reject(0x80092004, '找不到对象或属性');
      const pin = options.typePin();
      if (pin === null) return reject(0x8010006e, '操作已被用户取消');
      if (!token.present) return reject(0x80100069, '智能卡已被移除'); // pulled out while the dialog was open
      try {
        await token.login(selected, pin);
        const signature = await token.sign(selected, source);
        return await answer(signature.signature);
      } catch (error) {
        return fromToken(error);
      }
    },
  };
}
