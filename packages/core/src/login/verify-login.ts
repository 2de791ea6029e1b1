/**
 * CA login (CA登录): how the platform decides, top to bottom. The shared checks (challenge, token,
 * certificate, provider, purpose, validity, trust, revocation, signature, identity) run in
 * `verifyToken`; this file adds the binding lookup and keeps the stored certificate facts fresh.
 */
import type { Certificate } from '../cert/index';
import { YizhengError } from '../errors/index';
import type { ExpiryAssessment } from '../expiry/index';
import type { ProviderIdentity } from '../providers/index';
import type { Binding, CertificateFacts, RenewalStores, SealedEnvelopeStore } from '../stores/index';
import { assessRenewalRisk } from '../renewal/risk';
import { clockOf } from '../context/defaults';
import type { LoginWarning, YizhengContext } from '../context/context';
import { certificateFacts, companyIsBound, findBinding } from '../context/lookup';
import { verifyToken, type TokenRequest, type VerifiedToken } from '../token/verify-token';
import { inLocale } from '../context/localize';

/** A successful CA login. Authorisation is a separate call: {@link authorize}. */
export interface LoginResult {
  /** How the session authenticated: always `certificate` here (a password login is a {@link PasswordSession}). */
  readonly method: 'certificate';
  /** The account the certificate is bound to. */
  readonly account: { readonly id: string; readonly organizationId: string };
  /** The binding, with refreshed certificate facts. */
  readonly binding: Binding;
  /** The certificate that signed. */
  readonly certificate: Certificate;
  /** Who it speaks for. */
  readonly identity: ProviderIdentity;
  /** The provider that issued it. */
  readonly providerId: string;
  /** Its validity now: an expiring certificate logs in, with a warning. */
  readonly expiry: ExpiryAssessment;
  /** What the page should show although login succeeded. */
  readonly warnings: readonly LoginWarning[];
}

/** True when the stored facts no longer describe the certificate (cheap comparisons, no DN strings). */
function changedFacts(stored: CertificateFacts, certificate: Certificate): boolean {
  return stored.sha256 !== certificate.sha256 || stored.serialNumber !== certificate.serialNumber
    || stored.notAfter.getTime() !== certificate.notAfter.getTime()
    || stored.notBefore.getTime() !== certificate.notBefore.getTime();
}

/** How many sealed envelopes an `ENCRYPTION_CERTIFICATE_CHANGED` warning lists in its details. */
const LISTED_ENVELOPES = 20;
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `YYYY-MM-DD HH:mm` in Beijing time, as 开标 times are announced. */
function beijing(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** True when the stores keep sealed-bid records (the built-in adapters do; a platform's own may not). */
function hasEnvelopes(stores: YizhengContext['stores']): stores is YizhengContext['stores'] & Pick<RenewalStores, 'envelopes'> {
  const envelopes = (stores as Partial<RenewalStores>).envelopes;
  return typeof envelopes === 'object' && typeof envelopes.listOpenByRecipient === 'function';
}

/**
 * The `ENCRYPTION_CERTIFICATE_CHANGED` warning after a renewal or repair changed the encryption
 * certificate: the bids still sealed to the previous one may no longer be decryptable with the new
 * key. `null` when none are, or when the stores keep no sealed-bid records (nothing to warn about).
 */
async function encryptionChangedWarning(
  previous: CertificateFacts,
  current: Certificate,
  accountId: string,
  context: YizhengContext,
): Promise<LoginWarning | null> {
  const stores = context.stores;
  if (!hasEnvelopes(stores)) return null;
  // Only this account's bids: the warning goes to whoever logged in, and an encryption certificate
  // is public (another account's bids sealed to the same certificate are none of theirs).
  const envelopes = stores.envelopes;
  const own: Pick<SealedEnvelopeStore, 'listOpenByRecipient'> = {
    listOpenByRecipient: async (sha256, query) => {
      const page = await envelopes.listOpenByRecipient(sha256, query);
      return { ...page, items: page.items.filter((e) => e.accountId === accountId) };
    },
  };
  const risk = await assessRenewalRisk({ stores: { envelopes: own }, certificate: previous, at: clockOf(context)(), maxListed: LISTED_ENVELOPES });
  if (risk.count === 0 || risk.earliestOpening === null) return null;
  const when = beijing(risk.earliestOpening);
  return {
    code: 'ENCRYPTION_CERTIFICATE_CHANGED',
    message: {
      'zh-CN': `加密证书已更换（原序列号：${previous.serialNumber}）。${risk.count}份投标文件使用原加密证书加密，可能无法解密，请联系CA机构恢复原加密密钥。最早开标时间：${when}（北京时间）。`,
      en: `The encryption certificate has changed (previous serial ${previous.serialNumber}). ${risk.count} ${risk.count === 1 ? 'bid was' : 'bids were'} encrypted to the previous encryption certificate and may not be decryptable: ask the CA to recover the previous encryption key. Earliest opening: ${when} (Beijing time).`,
    },
    details: {
      previousSerialNumber: previous.serialNumber,
      previousSha256: previous.sha256,
      serialNumber: current.serialNumber,
      sha256: current.sha256,
      count: risk.count,
      overdue: risk.overdue,
      earliestOpening: risk.earliestOpening.toISOString(),
      envelopes: risk.openEnvelopes.map((e) => ({ id: e.id, projectId: e.projectId, bidId: e.bidId, opensAt: e.opensAt.toISOString() })),
    },
  };
}

/**
 * A binding stored under the key Yizheng 0.x derived moves to the current key on the first login
 * with the exact bound certificate (same SHA-256), atomically; nothing else moves. Resolves to the
 * moved binding, or to `null` (and the legacy binding, if one exists for another certificate).
 */
async function moveLegacyBinding(
  verified: VerifiedToken & { identityKey: string; legacyKey: string },
  context: YizhengContext,
): Promise<{ moved: Binding | null; other: boolean }> {
  const legacy = await findBinding(verified.legacyKey, context);
  if (!legacy) return { moved: null, other: false };
  if (legacy.certificate.sha256 !== verified.certificate.sha256) return { moved: null, other: true };
  const moved = await context.stores.transaction(async (tx) => {
    const updated = await tx.bindings.updateIdentityKey(legacy.id, verified.legacyKey, verified.identityKey);
    if (updated) {
      await tx.audit.append({
        type: 'rekey',
        actorAccountId: updated.accountId,
        bindingId: updated.id,
        certificate: { serialNumber: verified.certificate.serialNumber, sha256: verified.certificate.sha256 },
        details: { from: 'legacy-identity-key' },
      });
    }
    return updated;
  });
  // Null: a concurrent login moved it first; it is found under the current key now.
  return { moved: moved ?? (await findBinding(verified.identityKey, context)), other: false };
}

/**
 * Verifies a CA login token against the session's pending `login` challenge and returns who logged
 * in. Every failure is a {@link YizhengError} with its own code (`CHALLENGE_NOT_FOUND`,
 * `CHALLENGE_EXPIRED`, `TOKEN_MALFORMED`, `CERT_MALFORMED`, `PROVIDER_UNKNOWN`, `CERT_WRONG_PURPOSE`,
 * `CERT_NOT_YET_VALID`, `CERT_EXPIRED`, `CERT_UNTRUSTED`, `CERT_REVOKED`, `REVOCATION_UNAVAILABLE`,
 * `SIGNATURE_MALFORMED`, `SIGNATURE_INVALID`, `IDENTITY_NOT_FOUND`, `ENTERPRISE_CODE_CONFLICT`,
 * `NOT_BOUND`, `CERT_SUPERSEDED`).
 *
 * A binding belongs to one holder of one company at one issuing CA (see `deriveIdentityKey`). A
 * renewed certificate (续期, 延期, 修复) continues it only when it has the same issuing CA, the same
 * enterprise code and the same holder (the same vouched ID number, or the same public key), and was
 * issued after the bound one; the stored facts are then refreshed and the audit log records the old
 * and the new serial. An older certificate of that holder fails with `CERT_SUPERSEDED`. Any other
 * certificate is another holder: `NOT_BOUND`, with `details.reason: 'renewed-with-new-key'` when a
 * certificate of the same company at the same CA is bound, so the page can lead the user through
 * account login and binding again.
 *
 * A certificate not valid yet fails with `CERT_NOT_YET_VALID`; once its chain and its signature have
 * been verified, with `details.reason: 'renewed-not-yet-valid'` when the binding of its holder holds
 * an older certificate (an extension or repair that takes effect later).
 *
 * When the token carries the key's encryption certificate (`encryptionCertificate`), it must be the
 * signing certificate's partner (`CERT_WRONG_PURPOSE` with `reason: 'encryption-certificate-mismatch'`
 * otherwise) and the binding's encryption facts are refreshed. When it replaced the one bound
 * before and the stores keep sealed-bid records, the result warns `ENCRYPTION_CERTIFICATE_CHANGED`
 * with the bids still sealed to the previous one (none: no warning).
 */
export async function verifyLogin(token: unknown, request: TokenRequest, context: YizhengContext): Promise<LoginResult> {
  return inLocale(context.locale, () => verifyLoginUnlocalized(token, request, context), context.menus);
}

async function verifyLoginUnlocalized(token: unknown, request: TokenRequest, context: YizhengContext): Promise<LoginResult> {
  const verified = await verifyToken(token, request, 'login', context, {
    // Asked only after the chain and the signature were verified: the holder may learn of their binding.
    explainNotYetValid: async ({ certificate: presented, identityKey: key }) => {
      const bound = await findBinding(key, context);
      const older = bound !== null && bound.certificate.sha256 !== presented.sha256
        && bound.certificate.notBefore.getTime() < presented.notBefore.getTime();
      return older ? 'renewed-not-yet-valid' : undefined;
    },
  });
  const { certificate, identity } = verified;
  const providerId = verified.provider.provider.info.id;
  const identityKey = verified.identityKey;
  if (identityKey instanceof Error) throw identityKey;
  let binding = await findBinding(identityKey, context);
  let otherHolder = false;
  if (!binding && verified.legacyKey !== undefined) {
    const legacy = await moveLegacyBinding({ ...verified, identityKey, legacyKey: verified.legacyKey }, context);
    binding = legacy.moved;
    otherHolder = legacy.other;
  }
  if (!binding) {
    // Only a company the CA vouched for may say "replaced": with a code from free text the holder
    // chose the company, and the answer would tell whether any company of their choice is bound.
    const vouched = !['uscc', 'orgCode', 'registrationNumber'].some((f) => identity.freeText?.includes(f));
    const replaced = vouched && (otherHolder || (verified.companyPrefix !== undefined && (await companyIsBound(verified.companyPrefix, context))));
    // What the page needs to offer binding: who the certificate is, not which accounts exist.
    throw new YizhengError('NOT_BOUND', {
      provider: providerId,
      entityName: identity.entityName ?? null,
      serialNumber: certificate.serialNumber,
      ...(replaced && { reason: 'renewed-with-new-key' }),
    });
  }
  const stored = binding.certificate;
  if (stored.sha256 !== certificate.sha256 && certificate.notBefore.getTime() <= stored.notBefore.getTime()) {
    // Not a renewal: an older certificate, or another one issued alongside the bound one, must not
    // take the binding over (nor take it back after a renewal).
    throw new YizhengError('CERT_SUPERSEDED', {
      serialNumber: certificate.serialNumber,
      boundSerialNumber: stored.serialNumber,
      boundNotBefore: stored.notBefore.toISOString(),
    });
  }
  const renewed = stored.serialNumber !== certificate.serialNumber;
  const encryption = verified.encryptionCertificate;
  const storedEncryption = binding.encryptionCertificate;
  const encryptionChanged = encryption !== undefined && (storedEncryption === undefined || changedFacts(storedEncryption, encryption));
  // Compare cheaply first: the facts (with their DN strings) are only built when something changed.
  const changed = renewed || encryptionChanged || changedFacts(stored, certificate);
  const current = !changed
    ? binding
    : await context.stores.transaction(async (tx) => {
        const facts = certificateFacts(certificate);
        const updated = await tx.bindings.updateCertificateFacts(
          binding.id,
          { ...facts, ...(binding.certificate.keyId !== undefined && { keyId: binding.certificate.keyId }) },
          binding.certificate.serialNumber,
          ...(encryptionChanged ? [certificateFacts(encryption)] : []),
        );
        if (!updated) throw new YizhengError('NOT_BOUND', { provider: providerId, serialNumber: certificate.serialNumber });
        await tx.audit.append({
          type: renewed ? 'renew' : 'refresh',
          actorAccountId: binding.accountId,
          bindingId: binding.id,
          certificate: { serialNumber: facts.serialNumber, sha256: facts.sha256 },
          ...(renewed && { previousSerial: binding.certificate.serialNumber }),
          ...(encryptionChanged && {
            details: {
              encryptionCertificate: { serialNumber: encryption.serialNumber, sha256: encryption.sha256 },
              ...(storedEncryption !== undefined && { previousEncryptionCertificate: { serialNumber: storedEncryption.serialNumber, sha256: storedEncryption.sha256 } }),
            },
          }),
        });
        return updated;
      });
  await context.stores.audit.append({
    type: 'login',
    actorAccountId: current.accountId,
    bindingId: current.id,
    certificate: { serialNumber: certificate.serialNumber, sha256: certificate.sha256 },
  });
  const warnings = verified.warnings;
  if (encryption !== undefined && storedEncryption !== undefined && storedEncryption.sha256 !== encryption.sha256) {
    const warning = await encryptionChangedWarning(storedEncryption, encryption, current.accountId, context);
    if (warning !== null) warnings.push(warning);
  }
  return {
    method: 'certificate',
    account: { id: current.accountId, organizationId: current.organizationId },
    binding: current,
    certificate,
    identity,
    providerId,
    expiry: verified.expiry,
    warnings,
  };
}
