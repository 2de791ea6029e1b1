/**
 * The per-certificate rules of path validation (RFC 5280 §6.1 as Yizheng applies it): critical
 * extensions, CA flags, key usage, names, keys and validity. Each rule returns a YizhengError or
 * undefined; the path module decides the order.
 */
import type { Certificate } from '../cert/index';
import type { YizhengError } from '../errors/index';
import { pathError, untrusted } from './failure';
import { checkNameConstraints, readNameConstraints, type NameConstraints } from './name-constraints';

/**
 * Extensions path validation understands, so they may be critical: basicConstraints, keyUsage,
 * extKeyUsage (checked by the application and for OCSP responders), subjectAltName,
 * certificatePolicies (no policy processing: Yizheng validates for any policy, which RFC 5280
 * §6.1.1 allows), cRLDistributionPoints, nameConstraints.
 *
 * Any other critical extension makes the certificate unacceptable (RFC 5280 §4.2), including
 * policyConstraints, inhibitAnyPolicy and policyMappings, which would need the policy processing
 * Yizheng does not do.
 */
export const UNDERSTOOD_CRITICAL_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  ['2.5.29.19', 'basicConstraints'],
  ['2.5.29.15', 'keyUsage'],
  ['2.5.29.37', 'extKeyUsage'],
  ['2.5.29.17', 'subjectAltName'],
  ['2.5.29.32', 'certificatePolicies'],
  ['2.5.29.31', 'cRLDistributionPoints'],
  ['2.5.29.30', 'nameConstraints'],
]);

/** Extensions RFC 5280 requires to be non-critical: a critical one is refused. */
const MUST_BE_NON_CRITICAL: ReadonlyMap<string, string> = new Map([
  ['2.5.29.35', 'authorityKeyIdentifier'],
  ['2.5.29.14', 'subjectKeyIdentifier'],
  ['1.3.6.1.5.5.7.1.1', 'authorityInfoAccess'],
  ['2.5.29.46', 'freshestCRL'],
]);

/** Critical-extension rules for any certificate of the path. */
export function checkExtensions(c: Certificate, position: number): YizhengError | undefined {
  for (const e of c.extensions) {
    if (!e.critical) continue;
    const mustNot = MUST_BE_NON_CRITICAL.get(e.oid);
    if (mustNot !== undefined) {
      return untrusted(c, position, `证书的 ${mustNot} 扩展被错误地标记为关键扩展`, `the ${mustNot} extension must not be critical`);
    }
    if (!UNDERSTOOD_CRITICAL_EXTENSIONS.has(e.oid)) {
      const name = e.name === undefined ? e.oid : `${e.name} (${e.oid})`;
      return untrusted(c, position, `证书含有无法识别的关键扩展 ${name}`, `unrecognised critical extension ${name}`);
    }
  }
  const ku = c.keyUsage;
  if (ku?.includes('keyCertSign') === true && c.basicConstraints?.ca !== true) {
    return untrusted(
      c,
      position,
      '证书的密钥用法含证书签名（keyCertSign），但不是CA证书',
      'keyUsage asserts keyCertSign but basicConstraints cA is not set',
    );
  }
  return undefined;
}

/**
 * Rules for a certificate that issues the next one down: v3 with basicConstraints cA, keyUsage
 * keyCertSign when keyUsage is present, a non-empty subject. An anchor may be v1/v2 (RFC 5280
 * §6.1.4 (k): it was accepted as a CA out of band, by configuration).
 */
export function checkIssuer(c: Certificate, position: number, isAnchor: boolean): YizhengError | undefined {
  if (c.version !== 3) {
    if (isAnchor) return undefined;
    return untrusted(c, position, `中级CA证书为 v${c.version} 版本，无法确认其为CA证书`, `v${c.version} intermediate certificates are not accepted`);
  }
  if (c.basicConstraints?.ca !== true) {
    return untrusted(
      c,
      position,
      '签发者证书不是CA证书（基本约束 cA 未设置）',
      c.basicConstraints === undefined ? 'the issuer has no basicConstraints extension' : 'the issuer is not a CA (basicConstraints cA is false)',
    );
  }
  const ku = c.keyUsage;
  if (ku !== undefined && !ku.includes('keyCertSign')) {
    return untrusted(c, position, '签发者证书的密钥用法不含证书签名（keyCertSign）', 'the issuer keyUsage lacks keyCertSign');
  }
  if (c.subject.isEmpty) {
    return untrusted(c, position, 'CA证书的主题为空', 'a CA certificate has an empty subject');
  }
  return undefined;
}

/** A non-empty issuer name (RFC 5280 §4.1.2.4), for every certificate of the path, the anchor's included. */
export function checkIssued(c: Certificate, position: number): YizhengError | undefined {
  if (c.issuer.isEmpty) return untrusted(c, position, '证书的颁发者名称为空', 'the issuer name is empty');
  return undefined;
}

const SUPPORTED_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);

/** Rules for the leaf: a key Yizheng can verify with; an empty subject needs a critical subjectAltName. */
export function checkLeaf(c: Certificate): YizhengError | undefined {
  const key = c.publicKey;
  const supported = key.algorithm === 'rsa' || key.algorithm === 'sm2' || (key.algorithm === 'ec' && SUPPORTED_CURVES.has(key.curve));
  if (!supported) {
    const what = key.algorithm === 'ec' ? `EC ${key.curve}` : key.oid;
    return untrusted(c, 0, `证书的公钥算法不受支持（${what}）`, `unsupported public key algorithm (${what})`);
  }
  if (c.subject.isEmpty) {
    const san = c.extension('2.5.29.17');
    if (san === undefined || !san.critical) {
      return untrusted(
        c,
        0,
        '证书主题为空，但没有关键的主题备用名称扩展',
        'an empty subject requires a critical subjectAltName extension',
      );
    }
  }
  return undefined;
}

/** The validity window at `at` (inclusive at both ends, RFC 5280 §4.1.2.5). */
export function checkValidity(c: Certificate, position: number, at: Date): YizhengError | undefined {
  const t = at.getTime();
  if (t < c.notBefore.getTime()) {
    return pathError(
      'CERT_NOT_YET_VALID',
      c,
      position,
      { zh: `证书在 ${c.notBefore.toISOString()} 之前尚未生效`, en: `not valid before ${c.notBefore.toISOString()}` },
      { notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), at: at.toISOString() },
    );
  }
  if (t > c.notAfter.getTime()) {
    return pathError(
      'CERT_EXPIRED',
      c,
      position,
      { zh: `证书已于 ${c.notAfter.toISOString()} 过期`, en: `expired at ${c.notAfter.toISOString()}` },
      { notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), at: at.toISOString() },
    );
  }
  return undefined;
}

/**
 * pathLenConstraint (RFC 5280 §6.1.4 (l), (m)) over `path` (leaf first, anchor last): walking down
 * from the anchor, each non-self-issued intermediate uses one step of the tightest constraint
 * above it. The anchor's own constraint applies too. The leaf never counts.
 */
export function checkPathLength(path: readonly Certificate[]): YizhengError | undefined {
  let remaining = Number.POSITIVE_INFINITY;
  let limitedBy: Certificate | undefined;
  for (let j = path.length - 1; j >= 1; j--) {
    const c = path[j];
    if (c === undefined) continue;
    if (j < path.length - 1 && !c.isSelfIssued) {
      if (remaining <= 0) {
        const by = limitedBy?.subject.toString() ?? '';
        return untrusted(
          c,
          j,
          `证书链长度超过上级CA（${by}）的路径长度约束`,
          `the path is longer than the pathLenConstraint of ${by} allows`,
        );
      }
      remaining--;
    }
    const limit = c.basicConstraints?.pathLength;
    if (limit !== undefined && limit < remaining) {
      remaining = limit;
      limitedBy = c;
    }
  }
  return undefined;
}

/**
 * nameConstraints (RFC 5280 §4.2.1.10) of every CA in the path, applied to the certificates
 * below it (self-issued intermediates excepted, §6.1.3 (b)).
 */
export function checkPathNameConstraints(path: readonly Certificate[]): YizhengError | undefined {
  for (let j = path.length - 1; j >= 1; j--) {
    const ca = path[j];
    if (ca === undefined) continue;
    let nc: NameConstraints | undefined;
    try {
      nc = readNameConstraints(ca);
    } catch (e) {
      return untrusted(ca, j, 'CA证书的名称约束扩展格式错误', `malformed nameConstraints: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (nc === undefined) continue;
    for (let i = j - 1; i >= 0; i--) {
      const c = path[i];
      if (c === undefined) continue;
      if (i > 0 && c.isSelfIssued) continue;
      const violation = checkNameConstraints(nc, c);
      if (violation !== undefined) {
        return untrusted(
          c,
          i,
          `证书名称 ${violation} 不符合上级CA（${ca.subject.toString()}）的名称约束`,
          `the name ${violation} violates the nameConstraints of ${ca.subject.toString()}`,
        );
      }
    }
  }
  return undefined;
}
