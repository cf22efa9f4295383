import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { STACK_ERRORS, STACK_HEADERS, stackPaths } from '../lib/stack-auth';
import type { Accounts } from './accounts';
import { HttpError, readJsonBody, sendJson } from './http-json';
import type { Router, RouteContext } from './http-router';
import type { TokenAuthority } from './tokens';

/** Where the reference server serves its Stack Auth-shaped identity API (issue #10). */
export const STACK_PREFIX = '/stack';

export interface StackProject {
  projectId: string;
  publishableClientKey: string;
}

export interface StackRouteDeps {
  tokens: TokenAuthority;
  accounts: Accounts;
  project: StackProject;
  maxBodyBytes: number;
}

/** A Stack Auth "known error": `{ code, error }` and the `x-stack-known-error` header. */
class StackError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SignInBody = v.object({
  email: v.pipe(v.string(), v.maxLength(320)),
  password: v.pipe(v.string(), v.maxLength(4096)),
});

/**
 * The identity API the production backend delegates to (PROTOCOL.md
 * "Sign-in: Stack Auth"): password sign-in, access-token refresh (the refresh
 * token stays the same), sign-out, and the project's JWKS. Every client call
 * needs `X-Stack-Access-Type: client`, the project id and its publishable key.
 */
export function registerStackAuthRoutes(router: Router, deps: StackRouteDeps): void {
  const route = (
    method: string,
    path: string,
    handler: (ctx: RouteContext) => Promise<void>,
  ): void => {
    router.add(method, STACK_PREFIX + path, async (ctx) => {
      try {
        await handler(ctx);
      } catch (error) {
        if (error instanceof StackError) return sendKnownError(ctx.res, error);
        if (error instanceof HttpError) {
          return sendKnownError(
            ctx.res,
            new StackError(error.status, STACK_ERRORS.schema, error.message),
          );
        }
        throw error;
      }
    });
  };

  route('POST', stackPaths.signIn, async ({ req, res }) => {
    requireClient(req, deps.project);
    const body = v.safeParse(SignInBody, await readJsonBody(req, deps.maxBodyBytes));
    if (!body.success) {
      throw new StackError(400, STACK_ERRORS.schema, 'Request body: expected { email, password }');
    }
    const user = deps.accounts.authenticate(body.output.email, body.output.password);
    if (!user) throw new StackError(400, STACK_ERRORS.wrongPassword, 'Wrong e-mail or password.');
    const tokens = await deps.tokens.issue(user.id);
    sendJson(res, 200, {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      user_id: user.id,
    });
  });

  route('POST', stackPaths.refresh, async ({ req, res }) => {
    requireClient(req, deps.project);
    const access = await deps.tokens.refreshAccess(header(req, STACK_HEADERS.refreshToken));
    if (!access) throw refreshExpired();
    sendJson(res, 200, { access_token: access.accessToken });
  });

  route('DELETE', stackPaths.session, async ({ req, res }) => {
    requireClient(req, deps.project);
    if (!deps.tokens.revokeSession(header(req, STACK_HEADERS.refreshToken))) {
      throw refreshExpired();
    }
    sendJson(res, 200, { success: true });
  });

  route('GET', '/api/v1/projects/:projectId/.well-known/jwks.json', async ({ res, params }) => {
    if (params.projectId !== deps.project.projectId) {
      throw new StackError(404, 'PROJECT_NOT_FOUND', 'Project not found.');
    }
    sendJson(res, 200, deps.tokens.jwks());
  });
}

function refreshExpired(): StackError {
  return new StackError(
    401,
    STACK_ERRORS.refreshExpired,
    'Refresh token not found for this project, or the session has expired/been revoked.',
  );
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The client headers, checked in Stack's order: access type, project, key. */
function requireClient(req: IncomingMessage, project: StackProject): void {
  const accessType = header(req, STACK_HEADERS.accessType);
  if (accessType === undefined) {
    throw new StackError(
      400,
      STACK_ERRORS.accessTypeRequired,
      "You must specify an access level for this Stack project. Make sure project API keys are provided (eg. x-stack-publishable-client-key) and you set the x-stack-access-type header to 'client', 'server', or 'admin'.",
    );
  }
  if (accessType !== 'client') {
    throw new StackError(
      400,
      'INVALID_ACCESS_TYPE',
      `The x-stack-access-type header must be 'client'.`,
    );
  }
  const projectId = header(req, STACK_HEADERS.projectId);
  if (projectId !== project.projectId) {
    throw new StackError(
      400,
      STACK_ERRORS.projectNotFound,
      'The current project with the given ID was not found. Please check the value of the x-stack-project-id header.',
    );
  }
  if (header(req, STACK_HEADERS.publishableClientKey) !== project.publishableClientKey) {
    throw new StackError(
      401,
      STACK_ERRORS.badKey,
      'The publishable key is not valid for the project.',
    );
  }
}

function sendKnownError(res: ServerResponse, error: StackError): void {
  if (!res.headersSent) res.setHeader(STACK_HEADERS.knownError, error.code);
  sendJson(res, error.status, { code: error.code, error: error.message });
}
