/**
 * The one map from a failed REST call to what a command answers (issue #9:
 * it was written three times). Each call names what it was doing, so the
 * message says what went wrong in the supervisor's terms; `message` is
 * always safe to show (no token, no URL with secrets).
 */
import type { ApiError } from './api';
import type { CommandError, CommandErrorCode } from './messages';

/** What the failed call was for. */
export type ApiAction = 'sign-in' | 'account' | 'acknowledge' | 'resolve' | 'directory';

/**
 * Answers that mean "this is not a Frostline backend": no such route, or a
 * server that does not implement it (issue #9: a bare "The server answered
 * 501" told the user nothing).
 */
const NOT_OUR_API = new Set([404, 405, 501]);

export function commandError(code: CommandErrorCode, message: string): CommandError {
  return { code, message };
}

/** The command error for a failed REST call. */
export function apiFailure(error: ApiError, action: ApiAction): CommandError {
  switch (error.kind) {
    case 'unreachable':
      return commandError(
        'server-unreachable',
        action === 'sign-in' || action === 'account'
          ? 'The server cannot be reached. Check the URL and your connection.'
          : error.message,
      );
    case 'unauthorized':
      if (action === 'sign-in') return commandError('wrong-credentials', 'Wrong email or password');
      // The server's own words first ("Token expired", not "Unauthorized", #10); the
      // session renews itself on a 401, so a retry usually works.
      if (action === 'acknowledge' || action === 'resolve')
        return commandError(
          'token-expired',
          `${error.message}. The session is being renewed; try again.`,
        );
      return commandError(
        'token-expired',
        `${error.message}. Sign in again if this keeps happening.`,
      );
    case 'invalid-body':
      return action === 'sign-in' || action === 'account'
        ? notOurApi()
        : commandError('server-error', error.message);
    case 'redirected':
      // A credentialed call is never followed elsewhere (#11): say so plainly.
      return commandError('server-error', error.message);
    case 'superseded':
      return commandError('not-signed-in', error.message);
    case 'http':
      if (action === 'acknowledge' && error.status === 409) {
        return commandError('already-acknowledged', 'Someone already acknowledged this alert');
      }
      if ((action === 'acknowledge' || action === 'resolve') && error.status === 404) {
        return commandError('not-found', 'This alert no longer exists');
      }
      // The server's own words on what it refused (a missing resolution, a note too long).
      if ((action === 'acknowledge' || action === 'resolve') && error.status === 400) {
        return commandError('bad-request', error.message);
      }
      if ((action === 'sign-in' || action === 'account') && NOT_OUR_API.has(error.status)) {
        return notOurApi(error.status);
      }
      if (error.status === 403) return commandError('permission-denied', error.message);
      if (error.status === 404) return commandError('not-found', error.message);
      return commandError('server-error', error.message);
  }
}

function notOurApi(status?: number): CommandError {
  return commandError(
    'server-error',
    `This server does not look like a Frostline backend${status === undefined ? '' : ` (it answered ${status})`}. Check the server URL.`,
  );
}

/** An account the server knows but that belongs to no organization (issue #9). */
export const NO_ORGANIZATION = commandError(
  'no-organization',
  'This account has no access to an organization. Ask your administrator to add you to one.',
);
