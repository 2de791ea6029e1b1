// Shown in docs/guide/getting-started.md (both languages) and run by docs/getting-started.test.ts.
// #region routes
import { errorResponse } from '@yizheng/core/http';

export function mountCaLogin(app, yizheng, { origin, findAccount }) {
  const regenerate = (req) => new Promise((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));

  app.post('/api/ca/challenge', async (req, res, next) => {
    try {
      const challenge = await yizheng.issueChallenge({ sessionId: req.session.id, origin, purpose: req.body.purpose });
      res.json({ text: challenge.text, expiresAt: challenge.expiresAt });
    } catch (error) {
      next(error);
    }
  });

  app.post('/api/ca/bind', async (req, res, next) => {
    try {
      const account = await findAccount(req.session.accountId);
      if (!account) return res.status(401).json({ error: { message: 'sign in first' } });
      const binding = await yizheng.bindCertificate({
        sessionId: req.session.id,
        origin,
        token: req.body,
        actor: { accountId: account.id, organizationId: account.organizationId, isAdmin: account.isAdmin },
        target: { accountId: account.id, organizationId: account.organizationId, enterpriseCode: account.enterpriseCode },
      });
      res.status(201).json({ bindingId: binding.id });
    } catch (error) {
      next(error);
    }
  });

  app.post('/api/ca/login', async (req, res, next) => {
    try {
      const login = await yizheng.verifyLogin(req.body, { sessionId: req.session.id, origin });
      await regenerate(req);
      req.session.accountId = login.account.id;
      req.session.binding = { isAdmin: login.binding.isAdmin, permissions: login.binding.permissions };
      res.json({ account: login.account, expiry: login.expiry, warnings: login.warnings });
    } catch (error) {
      next(error);
    }
  });

  app.use((error, _req, res, _next) => {
    const answer = errorResponse(error);
    if (answer.unexpected) console.error(error);
    res.status(answer.status).set(answer.headers).json(answer.body);
  });
}
// #endregion routes
