export { assertMayActFor, bindCertificate, type Actor, type BindRequest, type TargetAccount } from './bind';
export {
  BIND_CERTIFICATE_PERMISSION,
  authorize,
  isAuthorized,
  listBindings,
  listExpiringBindings,
  setBindingPermissions,
  unbindCertificate,
  type BindingListEntry,
  type CertificateSession,
  type ExpiringBindingsPage,
  type PasswordSession,
} from './manage';
export { maskAccountId } from './mask';
