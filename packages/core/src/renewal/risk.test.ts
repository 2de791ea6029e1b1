import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { isYizhengError } from '../errors/index';
import { assessExpiry, describeExpiry } from '../expiry/index';
import { createMemoryStores, createSqliteStores, type NewSealedEnvelope, type RenewalStores } from '../stores/index';
import { createTestCa, issueCertificate } from '../testing/index';
import { assessRenewalRisk, describeRenewalReminder } from './risk';

const T0 = Date.parse('2025-03-01T08:00:00.000Z');
const DAY = 86_400_000;
const ENC = 'e1'.repeat(32);
const OTHER = 'f2'.repeat(32);

function sealed(n: number | string, over: Partial<NewSealedEnvelope> = {}): NewSealedEnvelope {
  return {
    id: `env-${n}`,
    projectId: 'ZFCG-2025-001',
    bidId: `bid-${n}`,
    accountId: 'acct-1',
    organizationId: 'org-1',
    recipient: { sha256: ENC, serialNumber: 'ENC01', issuerDn: 'CN=Test SM2 CA' },
    sealedAt: new Date(T0 - 20 * DAY),
    opensAt: new Date(T0 + 10 * DAY),
    ...over,
  };
}

/** One envelope in each status, one past its opening time but not marked opened, one sealed to another certificate. */
async function mixed(stores: RenewalStores): Promise<void> {
  await stores.envelopes.record(sealed('future', { opensAt: new Date(T0 + 3 * DAY) }));
  await stores.envelopes.record(sealed('later', { opensAt: new Date(T0 + 7 * DAY) }));
  await stores.envelopes.record(sealed('past', { opensAt: new Date(T0 - DAY) }));
  await stores.envelopes.record(sealed('opened', { opensAt: new Date(T0 - 2 * DAY) }));
  await stores.envelopes.record(sealed('withdrawn', { opensAt: new Date(T0 + 2 * DAY) }));
  await stores.envelopes.record(sealed('other', { recipient: { sha256: OTHER, serialNumber: 'X', issuerDn: 'CN=ca' } }));
  await stores.envelopes.markOpened('env-opened', new Date(T0 - 2 * DAY));
  await stores.envelopes.withdraw('env-withdrawn', new Date(T0 - 10 * DAY));
}

describe('assessRenewalRisk', () => {
  for (const [name, make] of [
    ['memory', () => createMemoryStores()],
    ['sqlite', () => createSqliteStores()],
  ] as const) {
    it(`counts still-sealed bids, past opening times included, never opened or withdrawn ones (${name})`, async () => {
      const stores = make();
      try {
        await mixed(stores);
        const risk = await assessRenewalRisk({ stores, certificate: { sha256: ENC }, at: new Date(T0) });
        expect(risk.count).toBe(3);
        expect(risk.overdue).toBe(1);
        expect(risk.openEnvelopes.map((e) => e.id)).toEqual(['env-past', 'env-future', 'env-later']);
        expect(risk.earliestOpening).toEqual(new Date(T0 - DAY));
        expect(risk.message?.['zh-CN']).toBe(
          '3份投标文件使用该证书加密（其中1份已过开标时间、尚未开标），开标前延期可能导致无法解密。最早开标时间：2025-02-28 16:00（北京时间）。',
        );
        expect(risk.message?.en).toContain('3 bids are encrypted to this certificate (1 of them past their opening time but not yet opened)');
        expect(risk.advice?.['zh-CN']).toContain('开标之后再办理延期');
        expect(risk.advice?.en).toContain('keeps the encryption key');

        // Ignoring records whose opening time has passed leaves the two future bids.
        const ahead = await assessRenewalRisk({ stores, certificate: { sha256: ENC }, at: new Date(T0), opensAfter: new Date(T0) });
        expect(ahead.count).toBe(2);
        expect(ahead.overdue).toBe(0);
        expect(ahead.earliestOpening).toEqual(new Date(T0 + 3 * DAY));
        expect(ahead.message?.['zh-CN']).toBe('2份投标文件使用该证书加密，开标前延期可能导致无法解密。最早开标时间：2025-03-04 16:00（北京时间）。');
      } finally {
        await stores.close();
      }
    });
  }

  it('has no message when nothing is sealed to the certificate, or once every bid is opened or withdrawn', async () => {
    const stores = createMemoryStores();
    const none = await assessRenewalRisk({ stores, certificate: { sha256: ENC }, at: new Date(T0) });
    expect(none).toEqual({ sha256: ENC, openEnvelopes: [], count: 0, overdue: 0, earliestOpening: null, message: null, advice: null });
    await stores.envelopes.record(sealed(1));
    await stores.envelopes.record(sealed(2));
    expect((await assessRenewalRisk({ stores, certificate: { sha256: ENC }, at: new Date(T0) })).message?.en).toMatch(/^2 bids are/);
    await stores.envelopes.markOpened('env-1');
    expect((await assessRenewalRisk({ stores, certificate: { sha256: ENC }, at: new Date(T0) })).message?.en).toMatch(/^1 bid is/);
    await stores.envelopes.withdraw('env-2');
    expect((await assessRenewalRisk({ stores, certificate: { sha256: ENC }, at: new Date(T0) })).message).toBeNull();
  });

  it('takes a parsed Certificate, and counts beyond one page while listing at most maxListed', async () => {
    const cert = parseCertificate(issueCertificate({ subject: 'CN=示例科技有限公司', issuer: createTestCa(), keyUsage: ['keyEncipherment'] }).pem);
    const stores = createMemoryStores();
    for (let i = 0; i < 1003; i++) {
      await stores.envelopes.record(sealed(String(i).padStart(4, '0'), { recipient: { sha256: cert.sha256, serialNumber: cert.serialNumber, issuerDn: '' } }));
    }
    const risk = await assessRenewalRisk({ stores, certificate: cert, at: new Date(T0), maxListed: 5 });
    expect(risk.count).toBe(1003);
    expect(risk.openEnvelopes.map((e) => e.id)).toEqual(['env-0000', 'env-0001', 'env-0002', 'env-0003', 'env-0004']);
    expect((await assessRenewalRisk({ stores, certificate: cert, at: new Date(T0) })).openEnvelopes).toHaveLength(100);
    expect((await assessRenewalRisk({ stores, certificate: cert, at: new Date(T0), maxListed: 0 })).openEnvelopes).toEqual([]);
  });

  it('works inside a transaction, on its tx', async () => {
    const stores = createMemoryStores();
    await stores.envelopes.record(sealed(1));
    const count = await stores.transaction(async (tx) => (await assessRenewalRisk({ stores: tx, certificate: { sha256: ENC } })).count);
    expect(count).toBe(1);
  });

  it('rejects what it cannot assess with INVALID_ARGUMENT', async () => {
    const stores = createMemoryStores();
    const bad: unknown[] = [
      null,
      { stores: {}, certificate: { sha256: ENC } },
      { stores, certificate: {} },
      { stores, certificate: { sha256: '' } },
      { stores, certificate: { sha256: ENC }, at: new Date(Number.NaN) },
      { stores, certificate: { sha256: ENC }, maxListed: 1001 },
      { stores, certificate: { sha256: ENC }, opensAfter: 'yesterday' },
    ];
    for (const input of bad) {
      const err: unknown = await assessRenewalRisk(input as never).catch((e: unknown) => e);
      expect(isYizhengError(err, 'INVALID_ARGUMENT'), JSON.stringify(input ?? null)).toBe(true);
    }
  });
});

describe('describeRenewalReminder', () => {
  const validity = { notBefore: new Date(T0 - 300 * DAY), notAfter: new Date(T0 + 20 * DAY) };

  it('adds the warning and advice to the expiry reminder when bids are sealed to the certificate', async () => {
    const stores = createMemoryStores();
    await stores.envelopes.record(sealed(1));
    const expiry = assessExpiry(validity, { now: T0 });
    const risk = await assessRenewalRisk({ stores, certificate: { sha256: ENC }, at: new Date(T0) });
    const text = describeRenewalReminder(expiry, risk);
    const plain = describeExpiry(expiry);
    expect(text['zh-CN']).toBe(`${plain['zh-CN']}注意：${risk.message?.['zh-CN']}${risk.advice?.['zh-CN']}`);
    expect(text['zh-CN']).toContain('证书即将到期（剩余20天）');
    expect(text['zh-CN']).toContain('1份投标文件使用该证书加密，开标前延期可能导致无法解密');
    expect(text.en).toBe(`${plain.en} Note: ${risk.message?.en} ${risk.advice?.en}`);
  });

  it('is the expiry reminder alone when no bid is at risk', async () => {
    const expiry = assessExpiry(validity, { now: T0 });
    const risk = await assessRenewalRisk({ stores: createMemoryStores(), certificate: { sha256: ENC }, at: new Date(T0) });
    expect(describeRenewalReminder(expiry, risk)).toEqual(describeExpiry(expiry));
  });
});
