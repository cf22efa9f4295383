/**
 * The first thing every signed-in test does, as a person would: open the
 * options page, sign in with the demo account, wait until it says so.
 */
import type { Page } from '@playwright/test';
import type { RunningServer } from '../../../server/app';
import { DEMO } from './fixtures';
import { OptionsPage } from './pages';

export async function signInThroughOptions(
  openExtensionPage: (name: 'popup' | 'options') => Promise<Page>,
  server: RunningServer,
): Promise<Page> {
  const page = await openExtensionPage('options');
  const options = new OptionsPage(page);
  await options.signIn(server.url, DEMO.email, DEMO.password);
  await options.expectSignedIn();
  return page;
}

/** The toolbar popup's size, for pages opened as tabs. */
export const POPUP_VIEWPORT = { width: 380, height: 600 };
