/**
 * The per-certificate rules of path validation (RFC 5280 §6.1 as Yizheng applies it): critical
 * extensions, CA flags, key usage, names, keys and validity. Each rule returns a YizhengError or
 * undefined; the path module decides the order.
 */
import type { Certificate } from '../cert/index';
import type { YizhengError } from '../errors/index';
import { pathError, untrusted } from './failure';
import {
  MAX_NAME_CONSTRAINT_COMPARISONS,
  checkNameConstraints,
  isDnsName,
  nameConstraintWork,
  readNameConstraints,
  type NameConstraints,
} from './name-constraints';

/**
 * Extensions path validation understands, so they may be critical: basicConstraints, keyUsage,
 * extKeyUsage (checked by the application and for OCSP responders), subjectAltName,
 * certificatePolicies (no policy processing: Yizheng validates for any policy, which RFC 5280
 * §6.1.1 allows), cRLDistributionPoints, nameConstraints.
 *
 * Any other critical extension makes the certificate unacceptable (RFC 5280 §4.2), including
 * policyConstraints, inhibitAnyPolicy and policyMappings, which would need the policy processing
 * Yizheng does not do. policyConstraints and inhibitAnyPolicy are refused when non-critical too
 * (a CA asking for policy processing is never silently ignored).
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

/**
 * Extensions RFC 5280 requires to be critical and that ask for policy processing, which Yizheng does
 * not do: refused when non-critical as well (§4.2.1.11, §4.2.1.14: "Conforming CAs MUST mark this
 * extension as critical"), so a CA's policy requirement is never silently ignored.
 */
const POLICY_CONSTRAINTS = '2.5.29.36';
const INHIBIT_ANY_POLICY = '2.5.29.54';
const NAME_CONSTRAINTS = '2.5.29.30';

/**
 * Extension rules for any certificate of the path: no unknown critical extension, no critical
 * AKI / SKI / AIA / freshestCRL, no policyConstraints or inhibitAnyPolicy (critical or not),
 * nameConstraints only in a CA certificate (RFC 5280 §4.2.1.10), keyCertSign only with cA.
 */
export function checkExtensions(c: Certificate, position: number): YizhengError | undefined {
  for (const e of c.extensions) {
    // Plain comparisons, not map lookups: this runs for every extension of every path checked.
    const oid = e.oid;
    if (oid === NAME_CONSTRAINTS && c.basicConstraints?.ca !== true) {
      return untrusted(c, position, '非CA证书含有名称约束扩展', 'nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)');
    }
    if (!e.critical) {
      if (oid === POLICY_CONSTRAINTS || oid === INHIBIT_ANY_POLICY) {
        const policy = oid === POLICY_CONSTRAINTS ? 'policyConstraints' : 'inhibitAnyPolicy';
        return untrusted(
          c,
          position,
          `证书含有非关键的 ${policy} 扩展（RFC 5280 要求标记为关键扩展，且本系统不做证书策略处理）`,
          `a non-critical ${policy} extension (RFC 5280 requires it critical, and Yizheng does no policy processing)`,
        );
      }
      continue;
    }
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

/**
 * The elliptic curves accepted in a path: P-256, P-384 and P-521 for ECDSA keys, and SM2 for SM2
 * keys, which must be on the SM2 curve (GM/T 0006; the crypto module verifies SM2-with-SM3 with SM2
 * keys only, and ECDSA with ECDSA keys only).
 */
export const ALLOWED_EC_CURVES: readonly string[] = Object.freeze(['P-256', 'P-384', 'P-521', 'SM2']);
const EC_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);

/** Default smallest RSA modulus, in bits, in any certificate of a path (NIST SP 800-131A disallows less for signatures). */
export const DEFAULT_MIN_RSA_BITS = 2048;
/** The smallest RSA floor that may be configured for a legacy CA. */
export const LOWEST_MIN_RSA_BITS = 1024;

/**
 * The public key of any certificate of the path, the anchor's included: RSA of at least
 * `minRsaBits` bits, ECDSA on P-256, P-384 or P-521, or SM2 on the SM2 curve. Anything else is
 * refused (DSA, Ed25519, other or explicit curves), since a weak key anywhere in the path lets its
 * holder forge what is below it.
 */
export function checkKey(c: Certificate, position: number, minRsaBits: number): YizhengError | undefined {
  const key = c.publicKey;
  switch (key.algorithm) {
    case 'rsa':
      if (key.bits >= minRsaBits) return undefined;
      return untrusted(c, position, `证书的 RSA 公钥只有 ${key.bits} 位，低于要求的 ${minRsaBits} 位`, `the RSA key has ${key.bits} bits, fewer than the ${minRsaBits} required`);
    case 'sm2':
      if (key.curve === 'SM2') return undefined;
      break;
    case 'ec':
      if (EC_CURVES.has(key.curve)) return undefined;
      return untrusted(c, position, `证书的椭圆曲线不受支持（${key.curve}）`, `unsupported elliptic curve ${key.curve} (P-256, P-384, P-521 and SM2 are accepted)`);
    default:
      break;
  }
  return untrusted(c, position, `证书的公钥算法不受支持（${key.oid}）`, `unsupported public key algorithm (${key.oid})`);
}

/**
 * subjectAltName syntax (RFC 5280 §4.2.1.6): every dNSName in the preferred name syntax (no
 * underscore, no IP address written as a DNS name, no empty label), a leftmost `*` label allowed.
 */
export function checkSubjectAltNames(c: Certificate, position: number): YizhengError | undefined {
  for (const n of c.subjectAltNames) {
    if (n.type === 'dns' && !isDnsName(n.value, true)) {
      return untrusted(
        c,
        position,
        `证书的主题备用名称含有格式错误的域名 ${JSON.stringify(n.value)}`,
        `the subjectAltName dNSName ${JSON.stringify(n.value)} is not a valid host name (RFC 5280 §4.2.1.6)`,
      );
    }
  }
  return undefined;
}

/** Rules for the leaf: an empty subject needs a critical subjectAltName. */
export function checkLeaf(c: Certificate): YizhengError | undefined {
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

/**
 * The validity window at `at` (inclusive at both ends, RFC 5280 §4.1.2.5). The dates are encoded to
 * the second, so `at` is compared at that granularity too: a certificate whose notAfter is 00:00:00
 * is still valid at 00:00:00.005.
 */
export function checkValidity(c: Certificate, position: number, at: Date): YizhengError | undefined {
  const t = Math.floor(at.getTime() / 1000) * 1000;
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
      if (nameConstraintWork(nc, c) > MAX_NAME_CONSTRAINT_COMPARISONS) {
        return untrusted(
          c,
          i,
          `证书名称过多，无法按上级CA（${ca.subject.toString()}）的名称约束检查`,
          `too many names to check against the ${nc.permitted.length + nc.excluded.length} nameConstraints subtrees of ${ca.subject.toString()}`,
        );
      }
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
