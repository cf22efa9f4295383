/**
 * Page objects: the options page and the popup as a person uses them, by
 * role and accessible name only.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class OptionsPage {
  constructor(readonly page: Page) {}

  async signIn(
    serverUrl: string,
    email: string,
    password: string,
    keepSignedIn = false,
  ): Promise<void> {
    const p = this.page;
    await p.getByRole('textbox', { name: 'Server URL' }).fill(serverUrl);
    await p.getByRole('textbox', { name: 'Email' }).fill(email);
    await p.getByLabel('Password', { exact: true }).fill(password);
    const keep = p.getByRole('checkbox', { name: 'Keep me signed in' });
    if ((await keep.isChecked()) !== keepSignedIn) await keep.click();
    await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  signedInAs(): Locator {
    return this.page.getByText(/Signed in as/);
  }

  errorAlert(): Locator {
    return this.page.getByRole('alert');
  }

  async expectSignedIn(): Promise<void> {
    await expect(this.signedInAs()).toBeVisible();
  }
}

export class Popup {
  constructor(readonly page: Page) {}

  status(): Locator {
    return this.page.getByRole('status').first();
  }

  alerts(): Locator {
    return this.page.getByRole('region', { name: 'Active alerts' });
  }

  unit(name: string | RegExp): Locator {
    return this.page.getByRole('listitem', { name });
  }

  units(): Locator {
    return this.page.getByRole('listitem');
  }
}
