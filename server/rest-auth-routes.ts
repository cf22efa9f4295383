import * as v from 'valibot';
import { api } from '../lib/protocol';
import type { Accounts } from './accounts';
import { HttpError, readJsonBody, sendJson } from './http-json';
import type { Router } from './http-router';
import { authenticateRequest } from './rest-guard';
import type { TokenAuthority } from './tokens';

export interface AuthRouteDeps {
  tokens: TokenAuthority;
  accounts: Accounts;
  maxBodyBytes: number;
}

const LoginBody = v.object({ email: v.string(), password: v.string() });
const RefreshBody = v.object({ refreshToken: v.string() });

/** The minimal identity provider: login, refresh (rotating), me. */
export function registerAuthRoutes(router: Router, deps: AuthRouteDeps): void {
  router.add('POST', api.login, async ({ req, res }) => {
    const body = v.safeParse(LoginBody, await readJsonBody(req, deps.maxBodyBytes));
    if (!body.success) throw new HttpError(400, 'invalid_request', 'Expected { email, password }');
    const user = deps.accounts.authenticate(body.output.email, body.output.password);
    if (!user) throw new HttpError(401, 'invalid_credentials', 'Invalid email or password');
    sendJson(res, 200, await deps.tokens.issue(user.id));
  });

  router.add('POST', api.refresh, async ({ req, res }) => {
    const body = v.safeParse(RefreshBody, await readJsonBody(req, deps.maxBodyBytes));
    if (!body.success) throw new HttpError(400, 'invalid_request', 'Expected { refreshToken }');
    const tokens = await deps.tokens.refresh(body.output.refreshToken);
    if (!tokens)
      throw new HttpError(401, 'invalid_refresh_token', 'Refresh token is invalid or expired');
    sendJson(res, 200, tokens);
  });

  router.add('GET', api.me, async ({ req, res }) => {
    const user = await authenticateRequest(req, deps.tokens, deps.accounts);
    sendJson(res, 200, deps.accounts.me(user));
  });
}
