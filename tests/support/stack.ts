/**
 * Stack Auth sign-in for tests (issue #10): the reference server serves its
 * identity API at `{server}/stack` with a fixed default project, so a test
 * that knows only the server URL (or a proxy's) knows what the options page's
 * "Project ID", "Publishable client key" and "Auth API URL" take.
 */
import { STACK_HEADERS, stackPaths, type StackConfig } from '../../lib/stack-auth';
import { DEFAULT_STACK_PROJECT_ID, DEFAULT_STACK_PUBLISHABLE_KEY } from '../../server/options';
import { STACK_PREFIX } from '../../server/stack-auth-routes';

/** The reference server's Stack Auth project, reached through `serverUrl`. */
export function referenceStack(serverUrl: string): StackConfig {
  return {
    projectId: DEFAULT_STACK_PROJECT_ID,
    publishableClientKey: DEFAULT_STACK_PUBLISHABLE_KEY,
    apiUrl: `${new URL(serverUrl).origin}${STACK_PREFIX}`,
  };
}

/** The refresh path as the server's request log shows it. */
export const STACK_REFRESH_PATH = `${STACK_PREFIX}${stackPaths.refresh}`;

/** Signs in through the identity API as any other tool would; the tokens. */
export async function stackSignIn(
  serverUrl: string,
  email: string,
  password: string,
  stack: StackConfig = referenceStack(serverUrl),
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await fetch(`${stack.apiUrl}${stackPaths.signIn}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [STACK_HEADERS.accessType]: 'client',
      [STACK_HEADERS.projectId]: stack.projectId,
      [STACK_HEADERS.publishableClientKey]: stack.publishableClientKey,
    },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`Stack Auth sign-in failed: ${res.status}`);
  const body = (await res.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}
