/**
 * The Node API over the fault-injecting fake module: what SoftHSM cannot produce (PIN counters and
 * their flags, wrong flags, CKR_GENERAL_ERROR for a wrong PIN, removal mid-operation, PIN-pad cancel,
 * a default PIN, vendor SM2). Signatures are checked with core's verifySignature.
 */
import { isYizhengError, type YizhengErrorCode } from '@yizheng/core';
import { verifySignature } from '@yizheng/core/crypto';
import { describe, expect, it } from 'vitest';
import { CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED, CKF_USER_PIN_TO_BE_CHANGED } from '../pin-state';
import { FakePkcs11Error } from '../testing/fake-pkcs11';
import { FAKE_PIN, FAKE_SERIAL, FAKE_SM2_MECHANISM, fakeTokenSet } from '../testing/fake-tokens';
import * as C from './constants';
import { derToRaw, rawToDer } from './encoding';
import { mapPkcs11Error, pinRetryTexts } from './errors';
import { createPkcs11Module, isTrivialPin, type Pkcs11ModuleOptions } from './module';

const set = fakeTokenSet();
const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|nonce|2026-06-01T08:05:00.000Z';

function setup(overrides: Parameters<typeof set.module>[0] = {}, options: Pkcs11ModuleOptions = {}) {
  const fake = set.module(overrides);
  const module = createPkcs11Module(fake, options);
  return { fake, module };
}

async function failure(promise: Promise<unknown>): Promise<{ code: YizhengErrorCode | string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    if (isYizhengError(err)) return { code: err.code, details: { ...err.details } };
    throw err;
  }
  return { code: 'no error', details: {} };
}

const logins = (calls: readonly string[]): number => calls.filter((c) => c === 'C_Login').length;

describe('listing', () => {
  it('lists slots with token label, serial, manufacturer, flags and PIN state', async () => {
    const { module } = setup();
    const [slot] = await module.listSlots();
    expect(slot?.token).toMatchObject({ label: 'Fake UKey', serial: FAKE_SERIAL, manufacturer: 'Yizheng Fake', model: 'UKey' });
    expect(slot?.token?.pinState).toMatchObject({ remaining: null, source: 'unknown', locked: false, mustChange: false });
    expect(slot?.token?.pinLength).toEqual({ min: 4, max: 16 });
    expect(await module.info()).toMatchObject({ manufacturer: 'Yizheng Fake', cryptokiVersion: '2.40' });
  });

  it('lists leaf certificates, pairs the encryption certificate by subject and leaves the CA out', async () => {
    const { module } = setup();
    const list = await module.listCertificates();
    expect(list.map((c) => [c.id, c.keyType, c.purpose])).toEqual([
      [set.ids.rsa, 'rsa', 'signing'],
      [set.ids.ecSigning, 'ec', 'signing'],
      [set.ids.ecEncryption, 'ec', 'encryption'],
      [set.ids.sm2, 'sm2', 'signing'],
    ]);
    const ec = list.find((c) => c.id === set.ids.ecSigning);
    expect(ec?.encryption?.id).toBe(set.ids.ecEncryption);
    expect(Buffer.from(ec?.encryption?.der ?? []).equals(Buffer.from(set.ecEncryption.der))).toBe(true);
    expect(list.find((c) => c.id === set.ids.rsa)?.encryption).toBeUndefined();
    expect(ec?.label).toBe('李四 签名');
  });
});

describe('signing', () => {
  it('signs with RSA PKCS#1 v1.5 SHA-256 and logs out afterwards', async () => {
    const { fake, module } = setup();
    const login = await module.login(set.ids.rsa, FAKE_PIN);
    expect(fake.isLoggedIn(FAKE_SERIAL)).toBe(true);
    const sig = await login.sign(TEXT);
    expect(sig).toMatchObject({ format: 'raw', mechanism: 'CKM_SHA256_RSA_PKCS', keyType: 'rsa' });
    expect(verifySignature({ certificate: set.rsa.der, data: TEXT, signature: sig.signature, format: 'raw' })).toBe(true);
    expect(fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
    expect(fake.openSessions).toBe(0);
    expect(login.active).toBe(false);
    expect((await failure(login.sign(TEXT))).code).toBe('TOKEN_LOGIN_REQUIRED');
  });

  it('falls back to CKM_RSA_PKCS over a DigestInfo it builds', async () => {
    const { module } = setup({ mechanisms: [C.CKM_RSA_PKCS] });
    const sig = await module.signWithPin(set.ids.rsa, FAKE_PIN, TEXT);
    expect(sig.mechanism).toBe('CKM_RSA_PKCS');
    expect(verifySignature({ certificate: set.rsa.der, data: TEXT, signature: sig.signature })).toBe(true);
  });

  it('signs with ECDSA P-256 as DER or raw, as asked', async () => {
    const { module } = setup();
    const der = await module.signWithPin(set.ids.ecSigning, FAKE_PIN, TEXT);
    const raw = await module.signWithPin(set.ids.ecSigning, FAKE_PIN, TEXT, { format: 'raw' });
    expect([der.format, raw.format, raw.signature.length]).toEqual(['der', 'raw', 64]);
    expect(verifySignature({ certificate: set.ecSigning.der, data: TEXT, signature: der.signature, format: 'der' })).toBe(true);
    expect(verifySignature({ certificate: set.ecSigning.der, data: TEXT, signature: raw.signature, format: 'raw' })).toBe(true);
  });

  it('signs with SM2 through the configured vendor mechanism (verified with SM3 and Z by core)', async () => {
    const { module } = setup({}, { sm2: { mechanism: FAKE_SM2_MECHANISM, input: 'message', output: 'der' } });
    for (const format of ['der', 'raw'] as const) {
      const sig = await module.signWithPin(set.ids.sm2, FAKE_PIN, TEXT, { format });
      expect(sig).toMatchObject({ keyType: 'sm2', format, mechanism: '0x80005301' });
      expect(verifySignature({ certificate: set.sm2.der, data: TEXT, signature: sig.signature, format })).toBe(true);
    }
  });

  it('refuses SM2 without a configured mechanism, and maps CKR_MECHANISM_INVALID', async () => {
    const plain = setup();
    const e = await failure(plain.module.signWithPin(set.ids.sm2, FAKE_PIN, TEXT));
    expect(e.code).toBe('MECHANISM_UNSUPPORTED');
    expect(plain.fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
    const wrongId = setup({}, { sm2: { mechanism: 0x8000_0001, input: 'digest' } });
    expect(await failure(wrongId.module.signWithPin(set.ids.sm2, FAKE_PIN, TEXT))).toMatchObject({
      code: 'MECHANISM_UNSUPPORTED',
      details: { mechanism: '0x80000001: CKR_MECHANISM_INVALID' },
    });
  });

  it('maps a token without ECDSA_SHA256 whose CKM_ECDSA fails to MECHANISM_UNSUPPORTED', async () => {
    const { module } = setup({ mechanisms: [C.CKM_SHA256_RSA_PKCS] });
    expect((await failure(module.signWithPin(set.ids.ecSigning, FAKE_PIN, TEXT))).details['mechanism']).toBe('CKM_ECDSA: CKR_MECHANISM_INVALID');
  });

  it('keeps one login per token: a new login ends the previous one', async () => {
    const { fake, module } = setup();
    const first = await module.login(set.ids.rsa, FAKE_PIN);
    const second = await module.login(set.ids.ecSigning, FAKE_PIN);
    expect([first.active, second.active]).toEqual([false, true]);
    expect((await failure(first.sign(TEXT))).code).toBe('TOKEN_LOGIN_REQUIRED');
    const sig = await second.sign(TEXT, { keepLoggedIn: true });
    expect(second.active).toBe(true);
    expect(verifySignature({ certificate: set.ecSigning.der, data: TEXT, signature: sig.signature })).toBe(true);
    const closing = module.close();
    expect(second.active).toBe(false);
    expect((await failure(module.login(set.ids.rsa, FAKE_PIN))).code).toBe('CLIENT_NOT_RUNNING');
    await closing;
    expect(fake.calls.at(-1)).toBe('C_Finalize');
    expect(fake.openSessions).toBe(0);
  });

  it('answers CERT_NOT_FOUND for unknown or malformed ids and TOKEN_NOT_PRESENT for another token', async () => {
    const { module } = setup();
    expect((await failure(module.signWithPin(`${FAKE_SERIAL}/7f`, FAKE_PIN, TEXT))).code).toBe('CERT_NOT_FOUND');
    expect((await failure(module.login('no slash', FAKE_PIN))).code).toBe('CERT_NOT_FOUND');
    expect((await failure(module.login('OTHER/01', FAKE_PIN))).code).toBe('TOKEN_NOT_PRESENT');
  });

  it('takes a certificate id only as it lists it: a re-encoded or malformed serial is CERT_NOT_FOUND, and never reaches the token', async () => {
    const { fake, module } = setup();
    for (const certId of ['%46AKE0001/01', 'F%41KE0001/01', 'FA%4bE0001/01', '%46%41%4B%45%30%30%30%31/01', '%E0%A4%A/01', 'FAKE0001%/01', `${FAKE_SERIAL}/0A`]) {
      expect((await failure(module.login(certId, '000000'))).code, certId).toBe('CERT_NOT_FOUND');
      expect((await failure(module.getPinStatus(certId))).code, certId).toBe('CERT_NOT_FOUND');
      expect((await failure(module.changePin(certId, '000000', '80461357'))).code, certId).toBe('CERT_NOT_FOUND');
      expect((await failure(module.tokenOf(certId))).code, certId).toBe('CERT_NOT_FOUND');
    }
    expect(logins(fake.calls)).toBe(0);
    // A serial that needs encoding has exactly one spelling: encodeURIComponent's.
    const odd = createPkcs11Module(set.module({ serial: 'A B/é' }));
    const [first] = await odd.listCertificates();
    expect(first?.id).toBe('A%20B%2F%C3%A9/01');
    expect((await odd.tokenOf('A%20B%2F%C3%A9/01')).serial).toBe('A B/é');
    expect((await failure(odd.tokenOf('A%20B%2f%c3%a9/01'))).code).toBe('CERT_NOT_FOUND');
    await odd.close();
  });
});

describe('PIN state and wrong PINs', () => {
  it('counts down through COUNT_LOW, FINAL_TRY and LOCKED, one C_Login per attempt', async () => {
    const { fake, module } = setup({ maxTries: 3 });
    const first = await failure(module.login(set.ids.rsa, '000000'));
    expect(first).toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: null, source: 'flags', finalTry: false, locked: false } });
    const second = await failure(module.login(set.ids.rsa, '000000'));
    expect(second.details).toMatchObject({ remaining: 1, finalTry: true, retriesZh: '还有1次机会，再次输错将锁死UKey。' });
    expect(await module.getPinStatus(set.ids.rsa)).toMatchObject({ remaining: 1, finalTry: true });
    const third = await failure(module.login(set.ids.rsa, '000000'));
    expect(third).toMatchObject({ code: 'PIN_LOCKED', details: { remaining: 0, locked: true, source: 'flags' } });
    expect((await failure(module.login(set.ids.rsa, FAKE_PIN))).code).toBe('PIN_LOCKED');
    expect(logins(fake.calls)).toBe(4);
    expect(fake.openSessions).toBe(0);
  });

  it('resets the counter after a right PIN', async () => {
    const { module } = setup({ maxTries: 3 });
    await failure(module.login(set.ids.rsa, '000000'));
    (await module.login(set.ids.rsa, FAKE_PIN)).logout();
    expect(await module.getPinStatus(set.ids.rsa)).toMatchObject({ source: 'unknown', remaining: null });
  });

  it('reports COUNT_LOW-only tokens (SoftHSM-like) with no count', async () => {
    const { module } = setup({ pinFlags: 'count-low', maxTries: 2 });
    expect((await failure(module.login(set.ids.rsa, '000000'))).details).toMatchObject({ remaining: null, source: 'flags', finalTry: false });
  });

  it('believes CKR_GENERAL_ERROR is a wrong PIN only when the PIN flags got worse, and never retries', async () => {
    const flagged = setup({ wrongPinError: C.CKR_GENERAL_ERROR, maxTries: 2 });
    expect(await failure(flagged.module.login(set.ids.rsa, '000000'))).toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 1, finalTry: true } });
    expect(logins(flagged.fake.calls)).toBe(1);
    const silent = setup({ wrongPinError: C.CKR_GENERAL_ERROR, pinFlags: 'none' });
    expect(await failure(silent.module.login(set.ids.rsa, '000000'))).toMatchObject({
      code: 'CLIENT_PROTOCOL_ERROR',
      details: { reason: 'CKR_GENERAL_ERROR from C_Login' },
    });
    expect(logins(silent.fake.calls)).toBe(1);
  });

  it('lets LOCKED win over a wrongly set FINAL_TRY, and still lets the token decide', async () => {
    const { fake, module } = setup();
    fake.setFlags(FAKE_SERIAL, fake.flagsOf(FAKE_SERIAL) | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
    expect(await module.getPinStatus(set.ids.rsa)).toMatchObject({ locked: true, finalTry: false, remaining: 0 });
    const sig = await module.signWithPin(set.ids.rsa, FAKE_PIN, TEXT);
    expect(verifySignature({ certificate: set.rsa.der, data: TEXT, signature: sig.signature })).toBe(true);
  });

  it('checks the PIN length before spending a try, and maps CKR_PIN_LEN_RANGE', async () => {
    const { fake, module } = setup({ minPinLen: 6, maxPinLen: 8 });
    expect(await failure(module.login(set.ids.rsa, '12'))).toMatchObject({ code: 'PIN_LEN_RANGE', details: { min: 6, max: 8 } });
    expect(await failure(module.login(set.ids.rsa, '123456789'))).toMatchObject({ code: 'PIN_LEN_RANGE' });
    expect(logins(fake.calls)).toBe(0);
    fake.failNext('C_Login', C.CKR_PIN_LEN_RANGE);
    expect(await failure(module.login(set.ids.rsa, '1234567'))).toMatchObject({ code: 'PIN_LEN_RANGE', details: { min: 6, max: 8 } });
  });

  it('maps CKR_PIN_LOCKED, CKR_PIN_EXPIRED and CKR_TOKEN_NOT_PRESENT from C_Login', async () => {
    const { fake, module } = setup();
    for (const [ckr, code] of [
      [C.CKR_PIN_LOCKED, 'PIN_LOCKED'],
      [C.CKR_PIN_EXPIRED, 'PIN_MUST_CHANGE'],
      [C.CKR_TOKEN_NOT_PRESENT, 'TOKEN_NOT_PRESENT'],
      [C.CKR_FUNCTION_CANCELED, 'USER_CANCELLED'],
    ] as const) {
      fake.failNext('C_Login', ckr);
      expect((await failure(module.login(set.ids.rsa, FAKE_PIN))).code).toBe(code);
    }
    expect(fake.openSessions).toBe(0);
  });
});

describe('default PIN (a new key\'s PIN 1234 must be changed)', () => {
  it('reports mustChange, undoes the login, and works after a change', async () => {
    const { fake, module } = setup({ pin: '1234', flags: CKF_USER_PIN_TO_BE_CHANGED });
    expect((await module.getPinStatus(set.ids.rsa)).mustChange).toBe(true);
    expect((await failure(module.login(set.ids.rsa, '1234'))).code).toBe('PIN_MUST_CHANGE');
    expect(fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
    expect(await failure(module.changePin(set.ids.rsa, '1234', '123456'))).toMatchObject({ code: 'PIN_REJECTED' });
    expect(await failure(module.changePin(set.ids.rsa, '1234', '1234'))).toMatchObject({ code: 'PIN_REJECTED' });
    expect(await failure(module.changePin(set.ids.rsa, '9999', '20260601'))).toMatchObject({ code: 'PIN_INCORRECT' });
    await module.changePin(set.ids.rsa, '1234', '20260601');
    expect(fake.pinOf(FAKE_SERIAL)).toBe('20260601');
    expect((await module.getPinStatus(set.ids.rsa)).mustChange).toBe(false);
    const sig = await module.signWithPin(set.ids.rsa, '20260601', TEXT);
    expect(verifySignature({ certificate: set.rsa.der, data: TEXT, signature: sig.signature })).toBe(true);
  });

  it('can be told to accept a default PIN', async () => {
    const { module } = setup({ pin: '1234', flags: CKF_USER_PIN_TO_BE_CHANGED }, { allowDefaultPin: true });
    (await module.login(set.ids.rsa, '1234')).logout();
  });

  it('refuses a new PIN outside the length limits before calling the token', async () => {
    const { fake, module } = setup({ maxPinLen: 8 });
    expect(await failure(module.changePin(set.ids.rsa, FAKE_PIN, '246813579'))).toMatchObject({ code: 'PIN_LEN_RANGE', details: { min: 4, max: 8 } });
    expect(fake.calls).not.toContain('C_SetPIN');
  });
});

describe('removal and PIN pad', () => {
  it('survives the token being pulled out mid-signature (DEVICE_REMOVED), then works when it is back', async () => {
    const { fake, module } = setup();
    const login = await module.login(set.ids.ecSigning, FAKE_PIN);
    fake.before('C_Sign', (f) => f.remove(FAKE_SERIAL));
    expect((await failure(login.sign(TEXT))).code).toBe('DEVICE_REMOVED');
    expect(login.active).toBe(false);
    expect(await module.listCertificates()).toEqual([]);
    expect((await failure(module.login(set.ids.ecSigning, FAKE_PIN))).code).toBe('TOKEN_NOT_PRESENT');
    fake.insert(FAKE_SERIAL);
    const sig = await module.signWithPin(set.ids.ecSigning, FAKE_PIN, TEXT);
    expect(verifySignature({ certificate: set.ecSigning.der, data: TEXT, signature: sig.signature })).toBe(true);
  });

  it('reads CKR_SESSION_HANDLE_INVALID after a removal as DEVICE_REMOVED', async () => {
    const { fake, module } = setup({ removalError: C.CKR_SESSION_HANDLE_INVALID });
    const login = await module.login(set.ids.rsa, FAKE_PIN);
    fake.before('C_SignInit', (f) => f.remove(FAKE_SERIAL));
    expect((await failure(login.sign(TEXT))).code).toBe('DEVICE_REMOVED');
  });

  it('keeps CKR_SESSION_HANDLE_INVALID with the token still there a protocol error', async () => {
    const { fake, module } = setup();
    const login = await module.login(set.ids.rsa, FAKE_PIN);
    fake.failNext('C_SignInit', C.CKR_SESSION_HANDLE_INVALID);
    expect((await failure(login.sign(TEXT))).code).toBe('CLIENT_PROTOCOL_ERROR');
  });

  it('maps a pulled-out token during login to DEVICE_REMOVED', async () => {
    const { fake, module } = setup();
    fake.before('C_Login', (f) => f.remove(FAKE_SERIAL));
    expect((await failure(module.login(set.ids.rsa, FAKE_PIN))).code).toBe('DEVICE_REMOVED');
  });

  it('logs in on the PIN pad and maps its Cancel to USER_CANCELLED', async () => {
    let answer: 'ok' | 'cancel' = 'cancel';
    const { module } = setup({ flags: C.CKF_PROTECTED_AUTHENTICATION_PATH, pinPad: () => answer });
    expect((await module.listSlots())[0]?.token?.protectedAuthenticationPath).toBe(true);
    expect((await failure(module.login(set.ids.rsa, null))).code).toBe('USER_CANCELLED');
    answer = 'ok';
    const sig = await module.signWithPin(set.ids.rsa, null, TEXT);
    expect(verifySignature({ certificate: set.rsa.der, data: TEXT, signature: sig.signature })).toBe(true);
  });

  it('maps a PIN-pad cancel during C_Sign (some tokens confirm each signature)', async () => {
    const { fake, module } = setup();
    const login = await module.login(set.ids.rsa, FAKE_PIN);
    fake.failNext('C_Sign', C.CKR_FUNCTION_CANCELED);
    expect((await failure(login.sign(TEXT))).code).toBe('USER_CANCELLED');
    expect(fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
  });

  it('needs a PIN when the token has no PIN pad', async () => {
    const { module } = setup();
    expect((await failure(module.login(set.ids.rsa, null))).code).toBe('PIN_LEN_RANGE');
  });
});

describe('helpers', () => {
  it('maps PKCS#11 return codes to error codes', () => {
    const codeOf = (ckr: number, fn = 'C_Sign'): unknown => {
      const e = mapPkcs11Error(new FakePkcs11Error(ckr, fn), { fn });
      return isYizhengError(e) ? e.code : e;
    };
    expect(codeOf(C.CKR_PIN_INCORRECT)).toBe('PIN_INCORRECT');
    expect(codeOf(C.CKR_PIN_LOCKED)).toBe('PIN_LOCKED');
    expect(codeOf(C.CKR_PIN_LEN_RANGE)).toBe('PIN_LEN_RANGE');
    expect(codeOf(C.CKR_DEVICE_REMOVED)).toBe('DEVICE_REMOVED');
    expect(codeOf(C.CKR_TOKEN_NOT_PRESENT)).toBe('TOKEN_NOT_PRESENT');
    expect(codeOf(C.CKR_MECHANISM_INVALID)).toBe('MECHANISM_UNSUPPORTED');
    expect(codeOf(C.CKR_FUNCTION_CANCELED)).toBe('USER_CANCELLED');
    expect(codeOf(C.CKR_USER_NOT_LOGGED_IN)).toBe('TOKEN_LOGIN_REQUIRED');
    expect(codeOf(C.CKR_PIN_TOO_WEAK)).toBe('PIN_REJECTED');
    expect(codeOf(C.CKR_HOST_MEMORY)).toBe('CLIENT_PROTOCOL_ERROR');
    const removed = mapPkcs11Error(new FakePkcs11Error(C.CKR_SESSION_HANDLE_INVALID, 'C_Sign'), { fn: 'C_Sign', tokenGone: true });
    expect(isYizhengError(removed, 'DEVICE_REMOVED')).toBe(true);
  });

  it('words the tries left as users know them', () => {
    expect(pinRetryTexts({ remaining: 3, locked: false, finalTry: false }).retriesZh).toBe('还有3次机会。');
    expect(pinRetryTexts({ remaining: null, locked: false, finalTry: false }).retriesEn).toBe('Tries left: unknown.');
    expect(pinRetryTexts({ remaining: 0, locked: false, finalTry: false }).retriesZh).toBe('密码已被锁死。');
  });

  it('knows trivial PINs', () => {
    for (const pin of ['1234', '123456', '000000', '111111', '987654', '12345678', 'aaaa']) expect(isTrivialPin(pin), pin).toBe(true);
    for (const pin of ['20260601', '112233', '246810', 'x9#k2m']) expect(isTrivialPin(pin), pin).toBe(false);
  });

  it('converts r‖s to DER and back', () => {
    const raw = Buffer.concat([Buffer.alloc(32, 0), Buffer.alloc(32, 0xff)]);
    raw[31] = 1;
    const der = rawToDer(raw);
    expect(der.toString('hex')).toBe(`3026020101022100${'ff'.repeat(32)}`);
    expect(derToRaw(der, 32).equals(raw)).toBe(true);
    expect(() => derToRaw(Buffer.concat([der, Buffer.of(0)]), 32)).toThrow(RangeError);
  });
});
