/**
 * The provider conformance suite as vitest tests: what a CA vendor runs to prove its provider meets
 * the contract.
 */
import { describe, expect, it } from 'vitest';
import type { CaProvider } from '../providers/index';
import {
  definitionProblems,
  driverErrorProblems,
  foreignRecognitionProblems,
  freeTextProblems,
  identityProblems,
  infoProblems,
  ownRecognitionProblems,
  registryProblems,
  robustnessProblems,
  signatureConventionProblems,
  signatureSampleProblems,
  type ExpectedIdentity,
  type SignatureSample,
} from './checks';
import {
  PLANTED_USCC,
  freeTextCertificates,
  lookAlikeCertificates,
  mutantCertificates,
  neutralCertificates,
  toCertificate,
  type ConformanceCertificate,
  type NamedCertificate,
} from './fixtures';

/** One of the provider's own certificates with the identity it must give. */
export interface OwnCertificateFixture extends ConformanceCertificate {
  /** The identity {@link CaProvider.extractIdentity} must return (fields compared exactly). */
  readonly identity: ExpectedIdentity;
}

/** A signature sample, with its certificate as a fixture. */
export interface SignatureFixture extends Omit<SignatureSample, 'certificate'> {
  /** The signer's certificate: parsed, or PEM / DER / base64. */
  readonly certificate: ConformanceCertificate['certificate'];
}

/** What a provider's conformance run is given. */
export interface ConformanceFixtures {
  /**
   * The provider's own certificates in its real profile (DN layout, identity extensions, policy
   * OIDs), signing and encryption certificates, each with its expected identity. At least one.
   */
  readonly own: readonly OwnCertificateFixture[];
  /**
   * Certificates of other CAs it must not recognise: other providers' fixtures above all. The suite
   * adds its own vendor-neutral certificates (GM/T 0015 and DN layouts) to these.
   */
  readonly foreign?: readonly ConformanceCertificate[];
  /** The providers it will sit beside in a platform's registry: for its own certificates it must win. */
  readonly others?: readonly CaProvider[];
  /** Signatures made by the vendor's client over known data, verified with the provider's conventions. */
  readonly signatures?: readonly SignatureFixture[];
  /**
   * For a provider with a browser driver: drives it against failing client calls (a fake local
   * client answering with its error codes) and returns the errors it raised. Each must be a
   * `YizhengError` with a client code.
   */
  readonly driverErrors?: () => readonly unknown[] | Promise<readonly unknown[]>;
  /** Byte mutations tried per own certificate (default 300; 0 skips). */
  readonly mutations?: number;
}

function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

function providerId(provider: CaProvider): string {
  try {
    return String(provider.info.id);
  } catch {
    return '(no id)';
  }
}

/**
 * Registers the conformance tests for `provider` in the calling vitest file: validity as a plugin
 * and bilingual names with dialable hotlines; recognition of each own certificate (confidence in
 * (0, 1], with evidence) and of none of the foreign and vendor-neutral ones; the expected identity
 * from each own certificate, with sources and normalised codes; winning the registry beside
 * `others`; never throwing on foreign, look-alike (hostile values in its own fields) and mutated
 * certificates; sane signature conventions and verifying the signature samples with them; and, when
 * given, the browser driver's error mapping.
 *
 * Import it from `@yizheng/core/conformance` in an ESM test file (vitest refuses `require()`).
 *
 * @example
 * ```ts
 * import { runProviderConformance } from '@yizheng/core/conformance';
 * import { gdcaProvider } from './index';
 *
 * runProviderConformance(gdcaProvider, {
 *   own: [{ name: 'GDCA organisation certificate', certificate: pem, identity: { entityName: '…', uscc: '…', orgCode: '…' } }],
 *   foreign: [{ name: 'BJCA certificate', certificate: bjcaPem }],
 * });
 * ```
 */
export function runProviderConformance(provider: CaProvider, fixtures: ConformanceFixtures): void {
  const id = providerId(provider);
  const own = lazy((): (NamedCertificate & { identity: ExpectedIdentity })[] =>
    fixtures.own.map((f) => ({ name: f.name, certificate: toCertificate(f), identity: f.identity })),
  );
  const foreign = lazy((): NamedCertificate[] => (fixtures.foreign ?? []).map((f) => ({ name: f.name, certificate: toCertificate(f) })));
  const neutral = lazy(() => neutralCertificates());

  describe(`CaProvider conformance: ${id}`, () => {
    it('is a valid plugin (defineProvider accepts it)', () => {
      expect(definitionProblems(provider)).toEqual([]);
    });

    it('has bilingual names, usable aliases and dialable support numbers', () => {
      expect(infoProblems(provider)).toEqual([]);
    });

    describe('recognition', () => {
      it('is given at least one own certificate', () => {
        expect(fixtures.own.length).toBeGreaterThan(0);
      });
      fixtures.own.forEach((f, i) => {
        it(`recognises its own ${f.name}`, () => {
          const fixture = own()[i];
          expect(fixture && ownRecognitionProblems(provider, fixture)).toEqual([]);
        });
      });
      (fixtures.foreign ?? []).forEach((f, i) => {
        it(`does not recognise foreign ${f.name}`, () => {
          const fixture = foreign()[i];
          expect(fixture && foreignRecognitionProblems(provider, fixture)).toEqual([]);
        });
      });
      it('recognises none of the vendor-neutral certificates (GM/T 0015 and DN layouts)', () => {
        expect(neutral().flatMap((c) => foreignRecognitionProblems(provider, c))).toEqual([]);
      });
      if (fixtures.others !== undefined && fixtures.others.length > 0) {
        const others = fixtures.others;
        it(`wins the registry for its own certificates beside ${others.map(providerId).join(', ')}`, () => {
          expect(registryProblems(provider, others, own())).toEqual([]);
        });
      }
    });

    describe('identity', () => {
      fixtures.own.forEach((f, i) => {
        it(`extracts the expected identity from ${f.name}`, () => {
          const fixture = own()[i];
          expect(fixture && identityProblems(provider, fixture, fixture.identity)).toEqual([]);
        });
      });
      it('never takes a code from free text (OU, serialNumber) over what the CA vouched for', () => {
        expect(freeTextCertificates().flatMap((c) => freeTextProblems(provider, c, PLANTED_USCC))).toEqual([]);
      });
    });

    describe('robustness: never throws, always well-formed', () => {
      it('on foreign and vendor-neutral certificates', () => {
        expect([...foreign(), ...neutral()].flatMap((c) => robustnessProblems(provider, c))).toEqual([]);
      });
      it('on look-alikes of its own certificates with hostile values in its fields', () => {
        const lookAlikes = own().flatMap((f) => lookAlikeCertificates(f.certificate));
        expect(lookAlikes.length).toBeGreaterThan(0);
        expect(lookAlikes.flatMap((c) => robustnessProblems(provider, c))).toEqual([]);
      });
      const attempts = fixtures.mutations ?? 300;
      if (attempts > 0) {
        it(`on byte mutants of its own certificates (${attempts} tries each)`, () => {
          const mutants = own().flatMap((f) => mutantCertificates(f.certificate, attempts));
          expect(mutants.flatMap((c) => robustnessProblems(provider, c))).toEqual([]);
        });
      }
    });

    describe('signatures', () => {
      it('declares sane signature conventions (formats, SM2 user id, signed data)', () => {
        expect(signatureConventionProblems(provider)).toEqual([]);
      });
      for (const sample of fixtures.signatures ?? []) {
        it(`verifies ${sample.name} with its conventions`, () => {
          expect(signatureSampleProblems(provider, { ...sample, certificate: toCertificate(sample) })).toEqual([]);
        });
      }
    });

    if (fixtures.driverErrors !== undefined) {
      const produce = fixtures.driverErrors;
      it('maps its browser driver failures to YizhengErrors with client codes', async () => {
        expect(driverErrorProblems(await produce())).toEqual([]);
      });
    } else if (provider.browserDriver !== undefined) {
      it.skip('maps its browser driver failures to YizhengErrors with client codes (give fixtures.driverErrors)', () => undefined);
    }
  });
}
