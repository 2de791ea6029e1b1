import { describe, expect, it } from 'vitest';
import { reasonOf } from '../../test-utils/errors';
import type { YizhengErrorCode } from '../errors/index';
import { fixture, fixtureDer, must } from './fixtures/der-builder';
import { MAX_BUNDLE_CERTIFICATES, MAX_CERTIFICATE_BYTES, decodeCertificateInput } from './input';
import { parseCertificate, parseCertificates } from './parse';

const SIGN = fixture('sm2-sign.pem');
const CA = fixture('sm2-ca.pem');
const signDer = fixtureDer('sm2-sign.pem');
const b64 = Buffer.from(signDer).toString('base64');

const reason = (fn: () => unknown, code: YizhengErrorCode = 'CERT_MALFORMED'): string => reasonOf(fn, code);

describe('certificate input', () => {
  it('accepts PEM, DER, base64 and their variants, all giving the same DER', () => {
    const variants: unknown[] = [
      SIGN,
      SIGN.replace(/\n/g, '\r\n'),
      `\uFEFFsome text before\n${SIGN}trailing text`,
      signDer,
      Buffer.from(signDer),
      signDer.buffer.slice(signDer.byteOffset, signDer.byteOffset + signDer.byteLength),
      b64,
      b64.replace(/(.{64})/g, '$1\n'),
      `  ${b64.replace(/(.{76})/g, '$1\r\n')}\n\t`,
      '\uFEFF' + b64,
      b64.replace(/=+$/, ''),
      Buffer.from(SIGN),
      Buffer.from(b64),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(b64)]),
      '-----BEGIN X509 CERTIFICATE-----\n' + b64 + '\n-----END X509 CERTIFICATE-----',
    ];
    for (const v of variants) {
      const [der] = decodeCertificateInput(v as string);
      expect(Buffer.from(must(der)).equals(Buffer.from(signDer))).toBe(true);
    }
  });

  it('returns the first certificate of a bundle, or all of them', () => {
    const bundle = `Bag Attributes\n    friendlyName: leaf\n${SIGN}\n-----BEGIN X509 CRL-----\nnot decoded\n-----END X509 CRL-----\n${CA}`;
    expect(parseCertificate(bundle).subject.commonName).toBe('CFCA@北京某某科技有限公司@N91110108551385082Q@1');
    expect(parseCertificates(bundle).map((c) => c.subject.commonName)).toEqual([
      'CFCA@北京某某科技有限公司@N91110108551385082Q@1',
      'Yizheng Test SM2 CA',
    ]);
    expect(parseCertificates(signDer)).toHaveLength(1);
    expect(parseCertificates(b64)).toHaveLength(1);
    expect(parseCertificates(SIGN.repeat(MAX_BUNDLE_CERTIFICATES))).toHaveLength(MAX_BUNDLE_CERTIFICATES);
  });

  it('rejects malformed framing with CERT_MALFORMED', () => {
    const cases: [unknown, RegExp][] = [
      ['', /empty base64/],
      ['   \n ', /empty base64/],
      [new Uint8Array(0), /empty input/],
      ['not a certificate!', /invalid character in base64/],
      ['notacertificate', /unexpected tag for Certificate/],
      [b64.replace('M', '-'), /invalid character in base64/],
      [b64.replace('M', '_'), /invalid character in base64/],
      [b64.slice(0, -1) + '=A', /data after padding/],
      [b64.slice(0, 5), /truncated base64/],
      [b64 + '===', /padding/],
      ['QQ==Q', /after padding/],
      ['QQ=', /truncated base64/],
      ['QQ', /certificate/i],
      [SIGN.replace('-----END CERTIFICATE-----', ''), /no END line/],
      [SIGN.replace('MII', 'Proc-Type: 4,ENCRYPTED\n\nMII'), /invalid character in base64/],
      [SIGN.replace('BEGIN CERTIFICATE', 'BEGIN CERT\nIFICATE'), /invalid PEM label/],
      ['-----BEGIN CERTIFICATE', /invalid PEM BEGIN line/],
      ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', /no CERTIFICATE block/],
      [SIGN.repeat(MAX_BUNDLE_CERTIFICATES + 1), /more than 16 certificates/],
      [Buffer.concat([Buffer.from(signDer), Buffer.from([0])]), /trailing data/],
      [Buffer.concat([Buffer.from(signDer), Buffer.from([5, 0])]).toString('base64'), /trailing data/],
      ['A'.repeat(4 * 22000), /larger than 64 KiB/],
      [new Uint8Array(MAX_CERTIFICATE_BYTES + 1).fill(0x30), /larger than 64 KiB/],
      ['A'.repeat(16 * 96 * 1024 + 1), /input too large/],
      [new Uint8Array(16 * 96 * 1024 + 1).fill(0x41), /input too large/],
      ['中文', /invalid character in base64/],
    ];
    for (const [input, re] of cases) {
      expect(reason(() => parseCertificate(input as string)), String(input).slice(0, 40)).toMatch(re);
    }
  });

  it('rejects non-certificate argument types with INVALID_ARGUMENT', () => {
    for (const v of [undefined, null, 42, {}, [0x30], new Uint16Array(4), true]) {
      expect(reason(() => parseCertificate(v as unknown as string), 'INVALID_ARGUMENT')).toMatch(/PEM or base64/);
      expect(reason(() => parseCertificates(v as unknown as string), 'INVALID_ARGUMENT')).toMatch(/PEM or base64/);
    }
  });
});
