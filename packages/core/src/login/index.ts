export { verifyLogin, type LoginResult } from './verify-login';
