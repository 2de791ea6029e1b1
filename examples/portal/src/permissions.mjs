// What a session may do here. Yizheng's `authorize` decides: a password session may only bind
// certificates; a certificate session has its binding's permissions (an admin certificate all of them).

/** The permissions an admin can tick per certificate in 【权限管理】. */
export const PERMISSIONS = [
  { id: 'subject-info', 'zh-CN': '主体信息登记', en: 'Subject registration' },
  { id: 'unbind-certificate', 'zh-CN': '解除绑定', en: 'Unbind certificates' },
  { id: 'view-organization-certificates', 'zh-CN': '查看本单位全部证书', en: "See all of the organisation's certificates" },
];

/** Every certificate login may see its own account's certificates; a password login may not. */
export const CERTIFICATE_BASELINE = ['view-own-certificates'];

/** Setting the admin flag and permissions: no certificate gets it by a tick, only admin certificates. */
export const MANAGE_PERMISSIONS = 'manage-permissions';

/** The session shape Yizheng's `authorize` reads, from the portal's session. */
export function authSessionOf(session) {
  return session.method === 'certificate'
    ? { method: 'certificate', binding: { isAdmin: session.binding.isAdmin, permissions: [...session.binding.permissions, ...CERTIFICATE_BASELINE] } }
    : { method: 'password', accountId: session.accountId };
}
