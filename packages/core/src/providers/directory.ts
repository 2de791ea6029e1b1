/**
 * The CAs Chinese procurement platforms accept, with the hotlines their users are told to call, so a
 * certificate read by the generic rules still names the right CA in every message (a code to change,
 * a PIN to unlock). A directory entry only names a CA: it never decides trust, identity or binding
 * keys, which stay the generic provider's.
 */
import type { Certificate } from '../cert/index';
import { defineProviderInfo, type ProviderInfo } from './info';
import type { EvidenceBasis } from './recognition';

/** A part of an issuer's name that names a CA, with how that is known. */
export interface DirectoryIssuerName {
  /** Text the issuer's O, OU or CN contains (ASCII compared case-insensitively). */
  readonly contains: string;
  /** How it is known: `verified`, `field`, `assumed` or `configured`. */
  readonly basis: EvidenceBasis;
}

/** One CA of the directory. */
export interface CaDirectoryEntry {
  /** Names, aliases and hotlines. */
  readonly info: ProviderInfo;
  /** Issuer-name parts that name this CA. A certificate is attributed only when exactly one entry matches. */
  readonly issuerNames: readonly DirectoryIssuerName[];
}

const assumed = (...parts: string[]): DirectoryIssuerName[] => parts.map((contains) => ({ contains, basis: 'assumed' as const }));

function entry(info: ProviderInfo, issuerNames: DirectoryIssuerName[]): CaDirectoryEntry {
  return Object.freeze({ info: defineProviderInfo(info), issuerNames: Object.freeze(issuerNames.map((n) => Object.freeze({ ...n }))) });
}

const hotline = (...phones: string[]) => phones.map((phone) => ({ label: '服务热线', phone }));

/**
 * The CAs a provincial trading platform and a procurement cloud list for their suppliers, with the
 * hotlines those platforms publish in their user manuals. The issuer-name parts are the CAs' Chinese
 * names and common abbreviations, all `assumed` (not yet checked on a certificate): they only pick
 * the name and hotline shown in messages. A platform adds its own entries (see {@link findCaInDirectory}).
 */
export const CA_DIRECTORY: readonly CaDirectoryEntry[] = Object.freeze([
  entry({ id: 'huixin', names: { 'zh-CN': '汇信CA', en: 'Huixin CA' }, aliases: ['汇信', '浙江汇信'], support: hotline('400-888-4636') }, assumed('汇信', 'Huixin')),
  entry({ id: 'tiangu', names: { 'zh-CN': '天谷CA', en: 'Tiangu CA' }, aliases: ['天谷'], support: hotline('400-087-8198') }, assumed('天谷', 'Tiangu')),
  entry({ id: 'xjca', names: { 'zh-CN': '新疆CA', en: 'Xinjiang CA (XJCA)' }, aliases: ['XJCA', '新疆数字证书认证中心'], support: [{ label: '服务专线', phone: '0991-2819290' }] }, assumed('XJCA', '新疆数字证书')),
  entry({ id: 'cwca', names: { 'zh-CN': '西部CA', en: 'China West CA (CWCA)' }, aliases: ['CWCA', '西部安全认证中心'], support: hotline('400-860-0271') }, assumed('CWCA', '西部安全认证')),
  entry({ id: 'gxca', names: { 'zh-CN': '广西CA', en: 'Guangxi CA (GXCA)' }, aliases: ['GXCA', '广西数字证书认证中心'], support: [{ label: '客服24小时热线', phone: '400-0771-110' }] }, assumed('GXCA', '广西数字证书')),
  entry(
    { id: 'ynca', names: { 'zh-CN': '云南CA', en: 'Yunnan CA (YNCA)' }, aliases: ['YNCA', '云南省数字证书认证中心'], support: [{ label: '证书办理热线', phone: '400-672-7666' }, { label: '证书客服热线', phone: '400-600-7210' }] },
    assumed('YNCA', '云南省数字证书'),
  ),
  entry({ id: 'bjca', names: { 'zh-CN': '北京CA', en: 'Beijing CA (BJCA)' }, aliases: ['BJCA', '北京数字认证'], support: hotline('010-5851-5511', '400-919-7888') }, [
    { contains: 'BJCA', basis: 'verified' },
    ...assumed('北京数字认证'),
  ]),
  entry({ id: 'cqca', names: { 'zh-CN': '重庆CA', en: 'Chongqing CA (CQCA)' }, aliases: ['CQCA', '重庆市数字证书认证中心'], support: [{ label: '热线电话', phone: '023-88257082' }] }, assumed('CQCA', '重庆市数字证书')),
  entry({ id: 'scca', names: { 'zh-CN': '四川CA', en: 'Sichuan CA (SCCA)' }, aliases: ['SCCA', '四川省数字证书认证管理中心'], support: [{ label: '客服热线', phone: '400-028-1130' }] }, assumed('SCCA', '四川省数字证书')),
  entry(
    { id: 'itrus', names: { 'zh-CN': '天威CA（天威诚信）', en: 'iTrusChina' }, aliases: ['天威CA', '天威诚信', 'iTrusChina'], support: [{ label: '客服热线', phone: '400-666-3999' }, { label: '四川省内', phone: '028-86694886' }, { label: '四川省内', phone: '028-85325862' }] },
    assumed('iTrus', '天威诚信'),
  ),
  entry({ id: 'cfca', names: { 'zh-CN': 'CFCA（中国金融认证中心）', en: 'CFCA' }, aliases: ['CFCA', '中国金融认证中心'], support: [{ label: '客服电话', phone: '400-880-9888' }, { label: '证书信息变更', phone: '025-66085508' }] }, [
    { contains: 'China Financial Certification Authority', basis: 'field' },
    { contains: 'CFCA', basis: 'field' },
  ]),
  entry({ id: 'jlca', names: { 'zh-CN': '吉林安信CA', en: 'Jilin Anxin CA' }, aliases: ['吉林安信'], support: [{ label: '客服电话', phone: '0431-85177688' }] }, assumed('吉林省安信', '吉林安信')),
  entry({ id: 'ahca', names: { 'zh-CN': 'AHCA（安徽CA）', en: 'Anhui CA (AHCA)' }, aliases: ['AHCA', '安徽CA'], support: [{ label: '联系电话', phone: '400-880-4959' }] }, assumed('AHCA', '安徽省电子认证')),
]);

/**
 * The directory entry whose issuer-name parts the certificate's issuer O, OU or CN contains, when
 * exactly one entry matches; `undefined` when none or several do (a wrong hotline is worse than none).
 * Never throws.
 */
export function findCaInDirectory(certificate: Certificate, directory: readonly CaDirectoryEntry[] = CA_DIRECTORY): CaDirectoryEntry | undefined {
  let names: string[];
  try {
    const issuer = certificate.issuer;
    names = [...issuer.getAll('O'), ...issuer.getAll('OU'), ...issuer.getAll('CN')].map((n) => n.toLowerCase());
  } catch {
    return undefined;
  }
  const matches = directory.filter((e) => e.issuerNames.some((n) => n.contains !== '' && names.some((name) => name.includes(n.contains.toLowerCase()))));
  return matches.length === 1 ? matches[0] : undefined;
}
