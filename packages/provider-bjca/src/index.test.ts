import { createProviderRegistry, parseCertificate } from '@yizheng/core';
import { runProviderConformance, testKitSignature, type OwnCertificateFixture, type SignatureFixture } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, utf8Extension, type TestExtension } from '@yizheng/core/testing';
import { describe, expect, it } from 'vitest';
import { hasVectors, readVector } from '../../core/test-utils/vectors';
import { cfcaFixtures } from '../../provider-cfca/src/fixtures';
import { cfcaProvider } from '../../provider-cfca/src/index';
import { cmcaFixtures } from '../../provider-cmca/src/fixtures';
import { cmcaProvider } from '../../provider-cmca/src/index';
import { huixinFixtures } from '../../provider-huixin/src/fixtures';
import { huixinProvider } from '../../provider-huixin/src/index';
import { createBjcaDriver } from './browser/index';
import { bjcaFixtures, rawAsciiExtension } from './fixtures';
import {
  BJCA_ENTITY_ID_OID,
  BJCA_RAW_ENTITY_ID_OID,
  BJCA_RSA_UNIQUE_ID_OID,
  BJCA_SM2_ENTITY_ID_OID,
  BJCA_TAX_NUMBER_OID,
  BJCA_UNIQUE_ID_OID,
  BJCA_USCC_OID,
  UNIT_UNIQUE_ID_OID,
  bjcaIdentityStrategies,
  bjcaProvider,
  bjcaProviderInfo,
  createBjcaProvider,
  parseBjcaEntityId,
} from './index';

/** The real BJCA test certificate of the shared vectors (issuer CN=Beijing SM2 CA, OU=BJCA, O=BJCA). */
const vector: OwnCertificateFixture[] = hasVectors
  ? [
      {
        name: 'real BJCA SM2 test certificate (vectors/bjca-challenge)',
        certificate: readVector('bjca-challenge', 'cert.der'),
        identity: {
          entityName: 'BJCA',
          vendorUid: 'JJTEST002',
          source: { vendorUid: `extension:${BJCA_UNIQUE_ID_OID}`, entityName: 'subject:O' },
        },
      },
    ]
  : [];

const vectorSignature: SignatureFixture[] = hasVectors
  ? [
      {
        name: 'the real BJCA client signature over the ASCII challenge (DER, default SM2 user id)',
        certificate: readVector('bjca-challenge', 'cert.der'),
        data: readVector('bjca-challenge', 'challenge.txt'),
        signature: readVector('bjca-challenge', 'signature.der'),
        format: 'der',
      },
    ]
  : [];

const fixtures = bjcaFixtures();

runProviderConformance(bjcaProvider, {
  own: [...fixtures.own, ...vector],
  foreign: [...cfcaFixtures().own, ...huixinFixtures().own, ...cmcaFixtures().own],
  others: [cfcaProvider, huixinProvider, cmcaProvider],
  signatures: [
    testKitSignature(fixtures.sm2Signing),
    ...vectorSignature,
  ],
  // The page entry's driver: no BJCA client listening, and a PIN too short for BJCA keys.
  driverErrors: async () => {
    const driver = createBjcaDriver({ url: 'ws://127.0.0.1:1/xtxapp/', timeoutMs: 400 });
    return [await driver.listCertificates().catch((e: unknown) => e), await driver.login('cert-1', '12345').catch((e: unknown) => e)];
  },
});

describe('BJCA provider', () => {
  it('carries the BJCA names and the hotlines users are told to call', () => {
    expect(bjcaProviderInfo.id).toBe('bjca');
    expect(bjcaProvider.info.support.map((c) => c.phone)).toEqual(['010-5851-5511', '400-919-7888']);
    expect(createProviderRegistry([bjcaProvider]).get('北京CA')).toBe(bjcaProvider);
  });

  describe.skipIf(!hasVectors)('on the real BJCA certificate of the shared vectors', () => {
    it('extracts JJTEST002 as the vendor uid and recognises it by issuer, arc, URLs and key id', () => {
      const cert = parseCertificate(readVector('bjca-challenge', 'cert.der'));
      const identity = bjcaProvider.extractIdentity(cert);
      expect(identity.vendorUid).toBe('JJTEST002');
      // Its .4 (JJTEST002), .8, .14 and 1.2.156.112562.2.1.2.2 hold no code that passes its checks: no code, no conflict.
      expect([identity.uscc, identity.orgCode, identity.registrationNumber, identity.personalId, identity.conflicts]).toEqual([undefined, undefined, undefined, undefined, undefined]);
      const r = bjcaProvider.recognize(cert);
      expect(r?.confidence).toBeGreaterThan(0.99);
      expect(r?.evidence).toEqual([
        'issuer O = "BJCA" (verified)',
        'issuer OU = "BJCA" (verified)',
        'issuer CN "Beijing SM2 CA" starts with "Beijing" (verified)',
        'extension 1.2.156.112562.2.1.1.1 under the vendor arc 1.2.156.112562 (verified)',
        'authorityKeyIdentifier 1fe6cfd48fc5222a974a298a15e716c99234c4b6 (verified)',
        'CRL/OCSP/caIssuers host crl.bjca.org.cn (verified)',
      ]);
    });
  });

  it('gives a weak hint only for a "Beijing…" issuer without any BJCA mark, and takes configured key ids and anchors', () => {
    const ca = createTestCa({ subject: 'CN=Beijing Other CA, O=Other, C=CN' });
    const leaf = issueCertificate({ subject: 'CN=张三', issuer: ca, extensions: [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')] });
    expect(bjcaProvider.recognize(leaf.certificate)?.confidence).toBe(0.4);
    const configured = createBjcaProvider({
      authorityKeyIds: [ca.certificate.subjectKeyIdentifier ?? ''],
      trust: { anchors: [ca.pem], revocation: 'require' },
    });
    expect(configured.recognize(leaf.certificate)?.evidence).toContain(`authorityKeyIdentifier ${ca.certificate.subjectKeyIdentifier ?? ''} (configured)`);
    expect(configured.trust?.anchors).toEqual([ca.certificate]);
    // A certificate of another vendor with a "Beijing" issuer still goes to the provider with stronger evidence.
    const registry = createProviderRegistry([bjcaProvider, cfcaProvider]);
    expect(registry.identify(leaf.certificate).provider).toBe(bjcaProvider);
  });

  describe('identity places', () => {
    // Synthetic codes only: two made-up companies and two ID numbers that pass their checks.
    const USCC_A = '91350200556207664B'; // organisation code 556207664
    const USCC_B = '91110108551385082Q'; // organisation code 551385082
    const ID_1 = '11010519491231002X';
    const ID_2 = '440106199001011235';
    const ca = createTestCa({ subject: 'CN=Beijing SM2 CA, OU=BJCA, O=BJCA, C=CN', keyAlgorithm: 'sm2' });
    const identityOf = (extensions: TestExtension[], subject = 'CN=测试, O=示例公司, C=CN') =>
      bjcaProvider.extractIdentity(issueCertificate({ subject, issuer: ca, keyAlgorithm: 'sm2', extensions }).certificate);

    it('lists its places in the documented order', () => {
      expect(bjcaIdentityStrategies().map((s) => s.name)).toEqual([
        `BJCA SM2 unique id (${BJCA_UNIQUE_ID_OID})`,
        `BJCA RSA unique id (${BJCA_RSA_UNIQUE_ID_OID})`,
        `BJCA USCC (${BJCA_USCC_OID})`,
        `BJCA entity id (${BJCA_ENTITY_ID_OID})`,
        `BJCA SM2 entity id (${BJCA_SM2_ENTITY_ID_OID})`,
        `BJCA entity id (${BJCA_RAW_ENTITY_ID_OID}, tagged or raw ASCII)`,
        'GM/T 0015 identity extensions, then subject DN codes (free text)',
        'entity name from O, CN',
      ]);
    });

    it('parses entity ids: <n>@<digits>JJ[0]<code>, <n>@<digits>SF[0]<ID number>, bare JJ… / SF…', () => {
      expect(parseBjcaEntityId('1@5009JJ0863175332')).toEqual({ field: 'orgCode', value: '863175332', prefix: 'JJ' });
      expect(parseBjcaEntityId('1@5009JJ863175332')).toEqual({ field: 'orgCode', value: '863175332', prefix: 'JJ' });
      expect(parseBjcaEntityId(`1@5009JJ0${USCC_A}`)).toEqual({ field: 'uscc', value: USCC_A, prefix: 'JJ' });
      expect(parseBjcaEntityId(`JJ${USCC_B}`)).toEqual({ field: 'uscc', value: USCC_B, prefix: 'JJ' });
      expect(parseBjcaEntityId('2@5009JJ55620766-4')).toEqual({ field: 'orgCode', value: '556207664', prefix: 'JJ' });
      expect(parseBjcaEntityId(`1@215009SF0${ID_1}`)).toEqual({ field: 'personalId', value: ID_1, prefix: 'SF' });
      expect(parseBjcaEntityId(`1@5009SF${ID_2}`)).toEqual({ field: 'personalId', value: ID_2, prefix: 'SF' });
      expect(parseBjcaEntityId(`SF0${ID_2}`)).toEqual({ field: 'personalId', value: ID_2, prefix: 'SF' });
      // JJ names a company, never a holder; SF only an ID number; checks must pass; one 0 of padding at most.
      expect(parseBjcaEntityId(`1@5009JJ0${ID_1}`)).toBeUndefined();
      expect(parseBjcaEntityId(`SF${USCC_A}`)).toBeUndefined();
      expect(parseBjcaEntityId('1@5009JJ0863175333')).toBeUndefined();
      expect(parseBjcaEntityId('1@5009JJ00863175332')).toBeUndefined();
      expect(parseBjcaEntityId('JJTEST002')).toBeUndefined();
      expect(parseBjcaEntityId(`1@5009XX0${USCC_A}`)).toBeUndefined();
      expect(parseBjcaEntityId(`x@5009JJ0${USCC_A}`)).toBeUndefined();
      expect(parseBjcaEntityId(USCC_A)).toBeUndefined();
      expect(parseBjcaEntityId(undefined as unknown as string)).toBeUndefined();
    });

    it('reads the .17 USCC, and only a USCC there', () => {
      expect(identityOf([utf8Extension(BJCA_USCC_OID, USCC_B)])).toMatchObject({ uscc: USCC_B, orgCode: '551385082', source: { uscc: `extension:${BJCA_USCC_OID}` } });
      const org = identityOf([utf8Extension(BJCA_USCC_OID, '551385082')]);
      expect(org.orgCode).toBeUndefined();
      expect(org.vendorUid).toBeUndefined();
    });

    it('reads the .24 and .23 entity ids (JJ → company code, SF → personal ID number)', () => {
      expect(identityOf([utf8Extension(BJCA_ENTITY_ID_OID, '1@5009JJ0551385082')])).toMatchObject({ orgCode: '551385082', source: { orgCode: `extension:${BJCA_ENTITY_ID_OID}` }, freeText: ['orgCode'] });
      const person = identityOf([utf8Extension(BJCA_SM2_ENTITY_ID_OID, `1@215009SF0${ID_2}`)], 'CN=测试用户, C=CN');
      expect(person).toMatchObject({ personalId: ID_2, entityName: '测试用户', source: { personalId: `extension:${BJCA_SM2_ENTITY_ID_OID}` } });
      expect(person.vendorUid).toBeUndefined();
      const company = identityOf([utf8Extension(BJCA_SM2_ENTITY_ID_OID, `1@215009JJ0${USCC_A}`)]);
      expect(company).toMatchObject({ uscc: USCC_A, orgCode: '556207664' });
      expect(company.personalId).toBeUndefined();
    });

    it('reads .4 tagged, or as raw ASCII only because that place is declared raw', () => {
      expect(identityOf([utf8Extension(BJCA_RAW_ENTITY_ID_OID, `1@5009SF0${ID_1}`)]).personalId).toBe(ID_1);
      const raw = identityOf([rawAsciiExtension(BJCA_RAW_ENTITY_ID_OID, `1@5009SF0${ID_1}`)], 'CN=测试用户, C=CN');
      expect(raw).toMatchObject({ personalId: ID_1, source: { personalId: `extension:${BJCA_RAW_ENTITY_ID_OID}` } });
      // The same raw bytes in places not declared raw are not read.
      for (const oid of [BJCA_ENTITY_ID_OID, BJCA_SM2_ENTITY_ID_OID, BJCA_UNIQUE_ID_OID, BJCA_USCC_OID]) {
        const other = identityOf([rawAsciiExtension(oid, `1@5009SF0${ID_1}`), rawAsciiExtension(BJCA_USCC_OID === oid ? BJCA_TAX_NUMBER_OID : BJCA_USCC_OID, USCC_A)]);
        expect(other.personalId).toBeUndefined();
        expect(other.uscc).toBeUndefined();
        expect(other.vendorUid).toBeUndefined();
      }
      // A raw value that is not all printable ASCII is ignored (here GBK-like high bytes, a control byte).
      const ascii = new TextEncoder().encode(`SF0${ID_1}`);
      for (const value of [Uint8Array.of(0xb1, 0xb1, ...ascii), Uint8Array.of(...ascii, 0x01), Uint8Array.of(0x00, ...ascii)]) {
        expect(identityOf([{ oid: BJCA_RAW_ENTITY_ID_OID, value }]).personalId).toBeUndefined();
      }
    });

    it('never reads the .11 tax number or 1.2.86.11.7.1.8 as a code or vendor uid', () => {
      const tax = identityOf([utf8Extension(BJCA_TAX_NUMBER_OID, USCC_A)]);
      expect([tax.uscc, tax.orgCode, tax.registrationNumber, tax.vendorUid]).toEqual([undefined, undefined, undefined, undefined]);
      const unit = identityOf([utf8Extension(UNIT_UNIQUE_ID_OID, `JJ${USCC_A}`), utf8Extension(UNIT_UNIQUE_ID_OID.replace(/8$/, '9'), USCC_A)]);
      expect([unit.uscc, unit.orgCode, unit.vendorUid]).toEqual([undefined, undefined, undefined]);
      // With the SM2 unique id present the vendor uid is the .1 value, as before.
      expect(identityOf([utf8Extension(UNIT_UNIQUE_ID_OID, 'UNIT-0001'), utf8Extension(BJCA_UNIQUE_ID_OID, `JJ${USCC_A}`)]).vendorUid).toBe(`JJ${USCC_A}`);
    });

    it('keeps the vendor uid of existing certificates: the cleaned upper-case .1 value, else the RSA uid', () => {
      expect(identityOf([utf8Extension(BJCA_UNIQUE_ID_OID, ' jjtest002\u0000'), utf8Extension(BJCA_RSA_UNIQUE_ID_OID, 'JJ556207664')]).vendorUid).toBe('JJTEST002');
      expect(identityOf([utf8Extension(BJCA_RSA_UNIQUE_ID_OID, 'JJ556207664'), utf8Extension(BJCA_USCC_OID, USCC_A)]).vendorUid).toBe('JJ556207664');
      expect(identityOf([utf8Extension(BJCA_USCC_OID, USCC_A), utf8Extension(BJCA_ENTITY_ID_OID, `1@5009JJ0${USCC_A}`)]).vendorUid).toBeUndefined();
    });

    it('reports a conflict when the .17 USCC and the .1 JJ code name two companies', () => {
      const identity = identityOf([utf8Extension(BJCA_UNIQUE_ID_OID, `JJ${USCC_B}`), utf8Extension(BJCA_USCC_OID, USCC_A)]);
      expect(identity.uscc).toBe(USCC_B);
      expect(identity.conflicts).toEqual(expect.arrayContaining([
        { field: 'uscc', values: [USCC_B, USCC_A], sources: [`extension:${BJCA_UNIQUE_ID_OID}`, `extension:${BJCA_USCC_OID}`] },
      ]));
      // A JJ number in an entity id is a fallback only: it neither overrides nor contradicts .1 (its meaning is assumed).
      const fallback = identityOf([utf8Extension(BJCA_UNIQUE_ID_OID, `JJ${USCC_A}`), utf8Extension(BJCA_ENTITY_ID_OID, '1@5009JJ0863175332')]);
      expect(fallback.conflicts).toBeUndefined();
      expect(fallback.orgCode).toBe('556207664');
      // Two SF ID numbers are the holder, vouched for: a conflict.
      expect(identityOf([utf8Extension(BJCA_SM2_ENTITY_ID_OID, `1@215009SF0${ID_1}`), rawAsciiExtension(BJCA_RAW_ENTITY_ID_OID, `1@5009SF0${ID_2}`)]).conflicts?.map((c) => c.field)).toEqual(['personalId']);
      // Places that agree are no conflict.
      expect(identityOf([utf8Extension(BJCA_UNIQUE_ID_OID, `JJ${USCC_A}`), utf8Extension(BJCA_USCC_OID, USCC_A), utf8Extension(BJCA_ENTITY_ID_OID, '1@5009JJ0556207664')]).conflicts).toBeUndefined();
    });

    it("keeps company A's .17 USCC when the subject OU holds company B's (free text ignored)", () => {
      const identity = identityOf([utf8Extension(BJCA_USCC_OID, USCC_A)], `CN=测试, OU=${USCC_B}, O=示例公司, C=CN`);
      expect(identity).toMatchObject({ uscc: USCC_A, orgCode: '556207664', source: { uscc: `extension:${BJCA_USCC_OID}` } });
      expect(identity.conflicts).toBeUndefined();
      expect(identity.freeText).toBeUndefined();
      // Without any vouched code the OU counts, marked as free text.
      expect(identityOf([], `CN=测试, OU=${USCC_B}, O=示例公司, C=CN`)).toMatchObject({ uscc: USCC_B, freeText: ['uscc', 'orgCode'] });
    });
  });
});
