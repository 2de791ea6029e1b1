// The portal's embedded defaults: a demo CA, demo enterprises and accounts, and demo "USB keys"
// (software tokens). Made once and kept in .data/ so bindings survive a restart.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestCa, issueCertificate, privateKeyToPem, utf8Extension } from '@yizheng/core/testing';

const DAY = 86_400_000;

/** Demo organisations as the platform registered them (account = company name or code, password eight ones, as many platforms issue them). */
export const ORGANIZATIONS = [
  { id: 'org-dimeng', name: '厦门帝网信息科技有限公司', enterpriseCode: '55620766-4' },
  { id: 'org-beijing', name: '北京示例科技有限公司', enterpriseCode: '91110108551385082Q' },
];

export const ACCOUNTS = [
  { id: 'admin', name: '机构管理员（帝网）', organizationId: 'org-dimeng', isAdmin: true, password: '11111111' },
  { id: 'zhangsan', name: '张三（帝网）', organizationId: 'org-dimeng', isAdmin: false, password: '11111111' },
  { id: 'lisi', name: '李四（帝网）', organizationId: 'org-dimeng', isAdmin: false, password: '11111111' },
  { id: 'wangwu', name: '王五（北京示例）', organizationId: 'org-beijing', isAdmin: true, password: '11111111' },
];

function makeKeys(now) {
  const ca = createTestCa({ subject: 'CN=Yizheng Demo CA, O=一证演示CA, C=CN', keyAlgorithm: 'ec' });
  const key = (label, cn, uscc, validDays, offsetDays = -30) => {
    const leaf = issueCertificate({
      subject: `CN=${cn}, O=${uscc === '91350200556207664B' ? '厦门帝网信息科技有限公司' : '北京示例科技有限公司'}, C=CN`,
      issuer: ca,
      keyAlgorithm: 'ec',
      notBefore: new Date(now + offsetDays * DAY),
      notAfter: new Date(now + validDays * DAY),
      extensions: [utf8Extension('1.2.156.10260.4.1.4', uscc)],
    });
    return { label, certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key), pin: '123456' };
  };
  return {
    ca: ca.pem,
    keys: [
      key('张三的UKey（帝网）', '张三', '91350200556207664B', 365),
      key('李四的UKey（帝网，20天后到期）', '李四', '91350200556207664B', 20),
      key('王五的UKey（北京示例）', '王五', '91110108551385082Q', 365),
    ],
  };
}

/** Loads the demo keys from `dir`, making them on first start. */
export function loadDemoKeys(dir) {
  const file = join(dir, 'demo-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dir, { recursive: true });
  const made = makeKeys(Date.now());
  writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}
