// The subject database (主体库): organisations, their accounts, and each organisation's registered
// subject information. A platform keeps this in its own tables; the demo keeps the accounts in code
// and the registrations in a JSON file, shared by every city portal of the process.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt);
const SCRYPT = { N: 16384, r: 8, p: 1 };

async function hashPassword(password, salt = randomBytes(16)) {
  return { salt, hash: await scryptAsync(password.normalize('NFC'), salt, 32, SCRYPT) };
}

/** Folds what users type: full-width letters, digits and dashes to half-width, spaces trimmed, codes upper-cased. */
export function normalizeLoginName(value) {
  const half = String(value).normalize('NFKC').trim();
  return /^[0-9A-Za-z-]+$/.test(half) ? half.toUpperCase() : half;
}

/**
 * @param {{ organizations: Array<{ id: string, name: string, enterpriseCode: string }>,
 *   accounts: Array<{ id: string, name: string, organizationId: string, isAdmin: boolean, password: string, logins: string[] }>,
 *   dataDir: string }} seed
 */
export async function createDirectory({ organizations, accounts, dataDir }) {
  const byLogin = new Map();
  const stored = [];
  for (const a of accounts) {
    const entry = { ...a, ...(await hashPassword(a.password)) };
    delete entry.password;
    stored.push(entry);
    for (const name of [a.id, ...a.logins]) byLogin.set(normalizeLoginName(name), entry);
  }
  // Unknown accounts are checked against this, so a wrong name costs as long as a wrong password.
  const dummy = await hashPassword(randomBytes(12).toString('hex'));
  const file = join(dataDir, 'subjects.json');
  /** @type {Record<string, object>} */
  let subjects = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};

  const publicAccount = (a) => a && { id: a.id, name: a.name, organizationId: a.organizationId, isAdmin: a.isAdmin };

  return {
    organizations,
    organization: (id) => organizations.find((o) => o.id === id),
    account: (id) => publicAccount(stored.find((a) => a.id === id)),
    accountsOf: (organizationId) => stored.filter((a) => a.organizationId === organizationId).map(publicAccount),
    /** The account for a login name and password, or null; the same work either way. */
    async checkPassword(login, password) {
      const entry = byLogin.get(normalizeLoginName(login));
      const { hash } = await hashPassword(typeof password === 'string' ? password : '', (entry ?? dummy).salt);
      const ok = timingSafeEqual(hash, (entry ?? dummy).hash);
      return ok && entry ? publicAccount(entry) : null;
    },
    subject: (organizationId) => subjects[organizationId] ?? null,
    saveSubject(organizationId, info) {
      subjects = { ...subjects, [organizationId]: info };
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(subjects, null, 2), { mode: 0o600 });
      renameSync(tmp, file);
      return info;
    },
  };
}
