// The portal's embedded defaults: a demo CA, demo enterprises and accounts, and demo "USB keys"
// (software tokens). Made once and kept in .data/ so bindings survive a restart.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestCa, issueCertificate, privateKeyToPem, utf8Extension } from '@yizheng/core/testing';

const DAY = 86_400_000;
const KEYS_VERSION = 3;
/** Where the demo CA puts the unified social credit code (the demo provider reads it from there). */
export const DEMO_USCC_OID = '1.2.156.10260.4.1.4';

/**
 * Demo organisations as the subject database registered them. 帝网 registered its organisation code
 * while its certificates carry the USCC that embeds it: the binding still matches.
 */
export const ORGANIZATIONS = [
  { id: 'org-dimeng', name: '厦门帝网信息科技有限公司', enterpriseCode: '55620766-4' },
  { id: 'org-beijing', name: '北京示例科技有限公司', enterpriseCode: '91110108551385082Q' },
];

/**
 * Accounts. The organisation's own account (主体账号) signs in with the company name or enterprise
 * code, password eight ones, as many platforms issue them; staff accounts with a user name.
 */
export const ACCOUNTS = [
  { id: 'dimeng', name: '厦门帝网信息科技有限公司', organizationId: 'org-dimeng', isAdmin: true, password: '11111111', logins: ['厦门帝网信息科技有限公司', '55620766-4', '91350200556207664B'] },
  { id: 'zhangsan', name: '张三', organizationId: 'org-dimeng', isAdmin: false, password: '11111111', logins: [] },
  { id: 'lisi', name: '李四', organizationId: 'org-dimeng', isAdmin: false, password: '11111111', logins: [] },
  { id: 'beijing', name: '北京示例科技有限公司', organizationId: 'org-beijing', isAdmin: true, password: '11111111', logins: ['北京示例科技有限公司', '91110108551385082Q'] },
];

function makeKeys(now) {
  const ca = createTestCa({ subject: 'CN=Yizheng Demo CA, O=一证演示CA, C=CN', keyAlgorithm: 'ec' });
  const key = ({ label, cn, company, uscc, validDays, offsetDays = -30, pin = '123456', mustChange = false }) => {
    const leaf = issueCertificate({
      subject: `CN=${cn}, O=${company}, C=CN`,
      issuer: ca,
      keyAlgorithm: 'ec',
      notBefore: new Date(now + offsetDays * DAY),
      notAfter: new Date(now + validDays * DAY),
      extensions: [utf8Extension(DEMO_USCC_OID, uscc)],
    });
    return { label, certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key), pin, ...(mustChange && { mustChange }) };
  };
  const dimeng = { company: '厦门帝网信息科技有限公司', uscc: '91350200556207664B' };
  const beijing = { company: '北京示例科技有限公司', uscc: '91110108551385082Q' };
  return {
    version: KEYS_VERSION,
    ca: ca.pem,
    keys: [
      key({ label: '张三的UKey（帝网）', cn: '张三', ...dimeng, validDays: 365 }),
      key({ label: '李四的UKey（帝网，即将到期）', cn: '李四', ...dimeng, validDays: 20 }),
      key({ label: '王五的UKey（北京示例）', cn: '王五', ...beijing, validDays: 365 }),
      key({ label: '赵敏的新UKey（帝网，初始密码1234须修改）', cn: '赵敏', ...dimeng, validDays: 730, pin: '1234', mustChange: true }),
    ],
  };
}

/** Loads the demo keys from `dir`, making them on first start (or when an older demo made them). */
export function loadDemoKeys(dir) {
  const file = join(dir, 'demo-keys.json');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8'));
    if (kept.version === KEYS_VERSION) return kept;
  }
  mkdirSync(dir, { recursive: true });
  const made = makeKeys(Date.now());
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}
