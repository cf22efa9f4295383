/**
 * Page objects: the options page and the popup as a person uses them, by
 * role and accessible name only.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { StackConfig } from '../../../lib/stack-auth';
import { referenceStack } from '../../support/stack';

export class OptionsPage {
  constructor(readonly page: Page) {}

  /**
   * Signs in through Stack Auth (issue #10): the server URL, the project's
   * three fields (the reference server's own project unless `stack` is
   * given), email, password.
   */
  async signIn(
    serverUrl: string,
    email: string,
    password: string,
    keepSignedIn = false,
    stack: StackConfig = referenceStack(serverUrl),
  ): Promise<void> {
    const p = this.page;
    await p.getByRole('textbox', { name: 'Server URL' }).fill(serverUrl);
    await p.getByRole('textbox', { name: 'Project ID' }).fill(stack.projectId);
    await p
      .getByRole('textbox', { name: 'Publishable client key' })
      .fill(stack.publishableClientKey);
    await p.getByRole('textbox', { name: 'Auth API URL' }).fill(stack.apiUrl);
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

/** The options page beyond sign-in: scope, preferences. */
export class OptionsSettings {
  constructor(readonly page: Page) {}

  scopeTree(): Locator {
    return this.page.getByRole('group', { name: 'Units to watch' });
  }

  /** Watches exactly the named sites: unticks "Whole organization", ticks these, saves. */
  async watchOnlySites(siteNames: string[]): Promise<void> {
    const tree = this.scopeTree();
    await tree.getByRole('checkbox', { name: 'Whole organization' }).uncheck();
    for (const name of siteNames) {
      await tree.getByRole('checkbox', { name, exact: true }).check();
    }
    await this.page.getByRole('button', { name: 'Save scope' }).click();
    await expect(this.page.getByRole('status').filter({ hasText: 'Scope saved.' })).toBeVisible();
  }

  async setTemperatureScale(label: "Unit's own" | 'Celsius' | 'Fahrenheit'): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Temperature scale' }).selectOption({ label });
    await this.savePreferences();
  }

  async savePreferences(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save preferences' }).click();
    await expect(
      this.page.getByRole('status').filter({ hasText: 'Preferences saved.' }),
    ).toBeVisible();
  }
}

/** One alert card in the popup, found by its accessible name (`Critical alert: Fridge 1`). */
export class PopupAlert {
  constructor(
    readonly item: Locator,
    readonly unitName: string,
  ) {}

  acknowledgeButton(): Locator {
    return this.item.getByRole('button', {
      name: `Acknowledge alert for ${this.unitName}`,
      exact: true,
    });
  }

  /** Opens the "What did you do?" note form (issue #10). */
  noteButton(): Locator {
    return this.item.getByRole('button', {
      name: `Acknowledge alert for ${this.unitName} with a note`,
    });
  }

  /** Opens the resolve form (issue #10). */
  resolveButton(): Locator {
    return this.item.getByRole('button', { name: `Resolve alert for ${this.unitName}` });
  }

  /** Acknowledges with a note through the popup's form. */
  async acknowledgeWithNote(note: string): Promise<void> {
    await this.noteButton().click();
    const form = this.item.getByRole('form', { name: `Acknowledge with a note: ${this.unitName}` });
    await form.getByLabel('What did you do?').fill(note);
    await form.getByRole('button', { name: 'Acknowledge with note' }).click();
  }

  /** Resolves through the popup's form: what was done, and optionally the corrective action. */
  async resolve(resolution: string, correctiveAction?: string): Promise<void> {
    await this.resolveButton().click();
    const form = this.item.getByRole('form', { name: `Resolve alert: ${this.unitName}` });
    await form.getByLabel('Resolution (what was done)').fill(resolution);
    if (correctiveAction !== undefined) {
      await form.getByLabel('Corrective action').fill(correctiveAction);
    }
    await form.getByRole('button', { name: 'Resolve', exact: true }).click();
  }
}

/** Popup helpers that need more than one locator. */
export class PopupView extends Popup {
  /** A unit row inside its site's group (unit names repeat across sites). */
  unitAt(siteName: string, unitName: string): Locator {
    return this.page
      .getByRole('group', { name: siteName, exact: true })
      .getByRole('listitem', { name: new RegExp(`^${escapeRegExp(unitName)},`) });
  }

  unitRows(): Locator {
    return this.page.getByRole('region', { name: 'Units' }).getByRole('listitem');
  }

  /** Open, unacknowledged alerts: the cards that still offer Acknowledge. */
  activeAlertItems(): Locator {
    return this.alerts()
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('button', { name: /^Acknowledge alert for / }) });
  }

  acknowledgedAlerts(): Locator {
    return this.alerts().getByRole('group', { name: 'Acknowledged alerts' });
  }

  alert(severityLabel: string, unitName: string): PopupAlert {
    return new PopupAlert(
      this.alerts().getByRole('listitem', { name: `${severityLabel} alert: ${unitName}` }),
      unitName,
    );
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
