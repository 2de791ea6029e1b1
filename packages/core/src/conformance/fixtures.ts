/**
 * Certificates the conformance suite brings itself: vendor-neutral ones (no provider may claim
 * them), look-alikes of a provider's own certificates with hostile values in its fields, and
 * byte-level mutants of its fixtures.
 */
import {
  derBmpString,
  derInteger,
  derNull,
  derOctetString,
  derSequence,
  derUtf8String,
} from '../asn1/encode';
import { Certificate, parseCertificate, type CertificateInput } from '../cert/index';
import {
  cachedTestKey,
  createTestCa,
  issueCertificate,
  issueCertificatePair,
  utf8Extension,
  type IssueCertificateOptions,
  type TestExtension,
  type TestName,
} from '../testing/index';

/** A named certificate for the suite. */
export interface ConformanceCertificate {
  /** What it is, shown in the test name, e.g. `BJCA SM2 organisation signing certificate`. */
  readonly name: string;
  /** The certificate: parsed, or PEM / DER / base64. */
  readonly certificate: Certificate | CertificateInput;
}

/** A certificate as the suite uses it. */
export interface NamedCertificate {
  /** What it is. */
  readonly name: string;
  /** The parsed certificate. */
  readonly certificate: Certificate;
}

/** Parses a fixture, saying which one failed. */
export function toCertificate(fixture: ConformanceCertificate): Certificate {
  if (fixture.certificate instanceof Certificate) return fixture.certificate;
  try {
    return parseCertificate(fixture.certificate);
  } catch (err) {
    throw new Error(`conformance fixture "${fixture.name}" is not a certificate: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

const NEUTRAL_CA = 'CN=Yizheng Conformance Neutral CA, O=一证通用测试, C=CN';
const USCC = '91350200556207664B';
const ORG_CODE = '55620766-4';
const PERSONAL_ID = '11010519491231002X';
const REGISTRATION_NUMBER = '110108000000016';

let neutral: readonly NamedCertificate[] | undefined;

/**
 * Vendor-neutral certificates no vendor provider may recognise: issued by a neutral test CA in the
 * GM/T 0015 and DN layouts (2012 and 2023 identity OIDs, personal ID, USCC in OU or serialNumber,
 * no code at all), signing and encryption pairs, EC, RSA and SM2 keys, a v1 certificate and the CA
 * itself. Built once per process.
 */
export function neutralCertificates(): readonly NamedCertificate[] {
  if (neutral !== undefined) return neutral;
  const ca = createTestCa({ subject: NEUTRAL_CA, key: cachedTestKey('ec', 'conformance-neutral-ca') });
  const sm2Ca = createTestCa({ subject: 'CN=Yizheng Conformance Neutral SM2 CA, O=一证通用测试, C=CN', key: cachedTestKey('sm2', 'conformance-neutral-ca') });
  const ec = cachedTestKey('ec', 'conformance-neutral-leaf');
  const leaf = (name: string, subject: TestName, extra: Partial<IssueCertificateOptions> = {}): NamedCertificate => ({
    name,
    certificate: issueCertificate({ subject, issuer: ca, key: ec, ...extra }).certificate,
  });
  const pair = issueCertificatePair({
    subject: 'CN=厦门帝网信息科技有限公司, O=厦门帝网信息科技有限公司, C=CN',
    issuer: sm2Ca,
    keyAlgorithm: 'sm2',
    extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC)],
  });
  neutral = Object.freeze([
    { name: 'neutral CA certificate', certificate: ca.certificate },
    leaf('neutral GM/T 0015-2012 organisation certificate (USCC in 1.2.156.10260.4.1.4)', 'CN=张三, O=厦门帝网信息科技有限公司, C=CN', {
      extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC)],
    }),
    leaf('neutral GM/T 0015-2023 organisation certificate (USCC in 1.2.156.10260.4.4)', 'CN=厦门帝网信息科技有限公司, O=厦门帝网信息科技有限公司, C=CN', {
      extensions: [utf8Extension('1.2.156.10260.4.4', USCC)],
    }),
    leaf('neutral organisation-code certificate', 'CN=李四, O=某某科技有限公司, C=CN', {
      extensions: [utf8Extension('1.2.156.10260.4.1.4', ORG_CODE), utf8Extension('1.2.156.10260.4.1.3', REGISTRATION_NUMBER)],
    }),
    leaf('neutral personal certificate (1.2.156.10260.4.1.1)', 'CN=张三, C=CN', { extensions: [utf8Extension('1.2.156.10260.4.1.1', PERSONAL_ID)] }),
    leaf('neutral cloud certificate (USCC in OU)', `CN=某某建设有限公司, OU=${USCC}, O=某某建设有限公司, C=CN`),
    leaf('neutral certificate with the USCC in serialNumber', `CN=某某建设有限公司, SERIALNUMBER=${USCC}, C=CN`),
    leaf('neutral certificate with no code', 'CN=王五, O=某某商贸有限公司, C=CN', { policies: ['1.2.3.4.5.6'] }),
    leaf('neutral certificate with an @ layout in CN', 'CN=051@王五@Z1234567890@1, OU=Individual-1, O=某某商贸有限公司, C=CN'),
    leaf('neutral v1 certificate', 'CN=v1, O=某某商贸有限公司, C=CN', { version: 1 }),
    leaf('neutral RSA certificate', 'CN=赵六, O=某某商贸有限公司, C=CN', { key: cachedTestKey('rsa', 'conformance-neutral-leaf') }),
    { name: 'neutral SM2 signing certificate', certificate: pair.signing.certificate },
    { name: 'neutral SM2 encryption certificate', certificate: pair.encryption.certificate },
  ]);
  return neutral;
}

/** A company-B USCC that free text in {@link freeTextCertificates} plants beside company A's vouched codes. */
export const PLANTED_USCC = '91110108551385082Q';

let planted: readonly NamedCertificate[] | undefined;

/**
 * Certificates whose vouched places name company A (or a person) while a free-text DN attribute
 * (`OU`, `SERIALNUMBER`) holds company B's USCC ({@link PLANTED_USCC}): no provider may give B.
 */
export function freeTextCertificates(): readonly NamedCertificate[] {
  if (planted !== undefined) return planted;
  const ca = createTestCa({ subject: NEUTRAL_CA, key: cachedTestKey('ec', 'conformance-neutral-ca') });
  const ec = cachedTestKey('ec', 'conformance-neutral-leaf');
  const leaf = (name: string, subject: TestName, extensions: Parameters<typeof utf8Extension>[]): NamedCertificate => ({
    name,
    certificate: issueCertificate({ subject, issuer: ca, key: ec, extensions: extensions.map((e) => utf8Extension(...e)) }).certificate,
  });
  planted = Object.freeze([
    leaf('company A (organisation code in 1.2.156.10260.4.1.4) with company B in OU', `CN=张三, OU=${PLANTED_USCC}, O=某某科技有限公司, C=CN`, [['1.2.156.10260.4.1.4', ORG_CODE]]),
    leaf('company A (USCC in 1.2.156.10260.4.4) with company B in serialNumber', `CN=张三, SERIALNUMBER=${PLANTED_USCC}, O=厦门帝网信息科技有限公司, C=CN`, [['1.2.156.10260.4.4', USCC]]),
    leaf('a personal certificate (1.2.156.10260.4.1.1) with company B in OU', `CN=张三, OU=${PLANTED_USCC}, C=CN`, [['1.2.156.10260.4.1.1', PERSONAL_ID]]),
  ]);
  return planted;
}

/** Extensions whose values the certificate parser itself decodes strictly; the look-alikes leave them alone. */
function isStandardExtension(oid: string): boolean {
  return oid.startsWith('2.5.29.') || oid.startsWith('1.3.6.1.5.5.7.1.');
}

/** Hostile values for a vendor's own extensions. */
function hostileValues(): { readonly label: string; readonly value: Uint8Array }[] {
  return [
    { label: 'an empty UTF8String', value: derUtf8String('') },
    { label: 'a bare prefix', value: derUtf8String('JJ') },
    { label: 'a personal prefix with a bad ID', value: derUtf8String('SF123') },
    { label: 'only @ signs', value: derUtf8String('@@@@') },
    { label: 'control characters and NUL', value: derUtf8String('\u0000\u0001JJ\u0000\u000c\t') },
    { label: 'a 300-character string', value: derUtf8String('9'.repeat(300)) },
    { label: 'random bytes in an OCTET STRING', value: derOctetString(Uint8Array.from({ length: 40 }, (_, i) => (i * 151 + 7) & 0xff)) },
    { label: 'an INTEGER', value: derInteger(42) },
    { label: 'an empty SEQUENCE', value: derSequence() },
    { label: 'a NULL', value: derNull() },
    { label: 'a BMPString', value: derBmpString('SF汉字') },
    { label: 'a USCC with a wrong check character', value: derUtf8String('JJ91350200556207664C') },
  ];
}

/** Subject names a careless parser trips on. */
function hostileSubjects(own: Certificate): { readonly label: string; readonly name: TestName }[] {
  return [
    { label: 'its own subject', name: own.subject.der },
    { label: 'an empty subject', name: Uint8Array.of(0x30, 0x00) },
    { label: 'CN of @ signs', name: 'CN=@@@, OU=Organizational-1' },
    { label: 'CN with too many @ parts', name: 'CN=a@b@c@d@e@f@g@h, OU=Individual-1' },
    { label: 'CN with empty @ parts', name: 'CN=@@N@, OU=Organizational-1, O=@' },
    { label: 'CN with a code and no name', name: `CN=x@@N${USCC}@1` },
    { label: 'a 2000-character CN', name: [['CN', '名'.repeat(2000)]] },
    { label: 'only an OU', name: 'OU=Organizational-1' },
    { label: 'a multi-valued RDN', name: [[['CN', 'JJ'], ['OU', 'SF']], ['O', '']] },
  ];
}

/** Bytes from hex. */
function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/**
 * Certificates that look like `own` (same issuer name, policies, authority key id, CRL and OCSP
 * URLs, the same private extensions) but carry hostile values: empty, over-long, control
 * characters, non-string types in the vendor's extensions, and odd subject names. A provider
 * recognises many of them, so its identity code runs on every one. Those the parser rejects are
 * left out.
 */
export function lookAlikeCertificates(own: Certificate): NamedCertificate[] {
  const key = cachedTestKey('ec', 'conformance-look-alike');
  const custom = own.extensions.filter((e) => !isStandardExtension(e.oid)).map((e) => e.oid);
  const values = hostileValues();
  const subjects = hostileSubjects(own);
  const base: Partial<IssueCertificateOptions> = {
    key,
    issuerName: own.issuer.der,
    ...(own.policies.length > 0 && { policies: [...own.policies] }),
    ...(own.authorityKeyIdentifier !== undefined && { authorityKeyIdentifier: hexBytes(own.authorityKeyIdentifier) }),
    ...(own.crlDistributionPoints.length > 0 && { crlDistributionPoints: [...own.crlDistributionPoints] }),
    ...(own.ocspUrls.length > 0 && { ocspUrls: [...own.ocspUrls] }),
  };
  const out: NamedCertificate[] = [];
  const count = Math.max(values.length, subjects.length);
  for (let i = 0; i < count; i++) {
    const value = values[i % values.length];
    const subject = subjects[i % subjects.length];
    if (value === undefined || subject === undefined) continue;
    const extensions: TestExtension[] = custom.map((oid) => ({ oid, value: value.value }));
    try {
      const cert = issueCertificate({ ...base, subject: subject.name, extensions }).certificate;
      out.push({ name: `look-alike with ${subject.label} and ${value.label} in ${custom.length > 0 ? custom.join(', ') : 'no private extension'}`, certificate: cert });
    } catch {
      // The parser refused this combination: a provider never sees it.
    }
  }
  return out;
}

/**
 * Byte-level mutants of `own` that still parse (flipped bits in names, strings and extension
 * values): deterministic, `attempts` tries per certificate.
 */
export function mutantCertificates(own: Certificate, attempts = 300): NamedCertificate[] {
  const der = own.der;
  const out: NamedCertificate[] = [];
  let seed = 0x2545f491 ^ der.length;
  const random = (): number => {
    // xorshift32: reproducible, so a failure can be replayed.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const masks = [0x01, 0x02, 0x20, 0x40, 0x80, 0xff];
  const seen = new Set<string>([own.sha256]);
  for (let i = 0; i < attempts; i++) {
    const copy = der.slice();
    const at = Math.floor(random() * copy.length);
    const mask = masks[Math.floor(random() * masks.length)] ?? 0x01;
    copy[at] = (copy[at] ?? 0) ^ mask;
    try {
      const cert = parseCertificate(copy);
      if (seen.has(cert.sha256)) continue;
      seen.add(cert.sha256);
      out.push({ name: `mutant (byte ${at} ^ 0x${mask.toString(16)})`, certificate: cert });
    } catch {
      // Does not parse: the registry never hands it to a provider.
    }
  }
  return out;
}
