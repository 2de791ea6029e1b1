// Shown in docs/guide/getting-started.md (both languages).
// #region page
import { isYizhengError, requestChallenge, signChallenge, submitToken } from '@yizheng/core/client';

export async function caLogin(driver, pin) {
  const [certificate] = await driver.listCertificates();
  await driver.login(certificate.id, pin);
  const challenge = await requestChallenge('/api/ca/challenge', { purpose: 'login' });
  const token = await signChallenge(driver, certificate, challenge.text);
  return submitToken('/api/ca/login', token);
}

export function failureText(error) {
  if (!isYizhengError(error)) return String(error);
  return `${error.message}\n${error.localizedRemedy('zh-CN')}`;
}
// #endregion page
