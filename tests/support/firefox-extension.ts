/**
 * The extension's pages in Firefox as a person uses them, over WebDriver BiDi
 * (issue #12): elements are found by role and accessible name (BiDi's
 * accessibility locator), clicked with the mouse and typed into with the
 * keyboard. Badge and notifications are read through `browser.*` from the
 * page itself, as the Chromium suite reads them from the worker.
 *
 * Every wait polls (`poll`): BiDi reports nothing about extension contexts.
 */
import type { RunningFirefox } from '../../scripts/firefox';
import { poll, type NodeRef } from './bidi';
import type { StackConfig } from '../../lib/stack-auth';
import { referenceStack } from './stack';

export interface Badge {
  text: string;
  title: string;
}

/** One tab showing one of the extension's pages. */
export class ExtensionTab {
  private constructor(
    readonly firefox: RunningFirefox,
    readonly context: string,
  ) {}

  /** Opens `popup` or `options` in a new tab and waits until it has rendered. */
  static async open(firefox: RunningFirefox, page: 'popup' | 'options'): Promise<ExtensionTab> {
    const context = await firefox.bidi.newTab();
    const tab = new ExtensionTab(firefox, context);
    await tab.goto(page);
    return tab;
  }

  async goto(page: 'popup' | 'options'): Promise<void> {
    await this.firefox.bidi.navigate(this.context, this.firefox.pageUrl(page));
    await this.rendered();
  }

  async reload(): Promise<void> {
    await this.firefox.bidi.reload(this.context);
    await this.rendered();
  }

  /** Both pages render a status line once React has mounted. */
  private async rendered(): Promise<void> {
    await poll(
      () => this.all('status'),
      (found) => found.length > 0,
      { what: 'the page to render its status line' },
    );
  }

  /** The connection status line's text (the page's first status). */
  async statusText(): Promise<string> {
    const [line] = await this.all('status');
    return line === undefined ? '' : this.text(line);
  }

  close(): Promise<void> {
    return this.firefox.bidi.closeTab(this.context);
  }

  /** Every node with this role (and exact accessible name, when given). */
  all(role: string, name?: string, within?: NodeRef): Promise<NodeRef[]> {
    return this.firefox.bidi.locate(
      this.context,
      { type: 'accessibility', value: name === undefined ? { role } : { role, name } },
      within ? [within] : undefined,
    );
  }

  /** Waits until exactly one node matches, and returns it. */
  async waitFor(
    role: string,
    name: string | undefined,
    { within, timeoutMs }: { within?: NodeRef; timeoutMs?: number } = {},
  ): Promise<NodeRef> {
    const nodes = await poll(
      () => this.all(role, name, within),
      (found) => found.length === 1,
      { what: `one ${role}${name === undefined ? '' : ` named "${name}"`}`, timeoutMs },
    );
    return nodes[0] as NodeRef;
  }

  /** Waits until no node matches. */
  async waitForNone(role: string, name: string, within?: NodeRef): Promise<void> {
    await poll(
      () => this.all(role, name, within),
      (found) => found.length === 0,
      { what: `no ${role} named "${name}"` },
    );
  }

  async click(role: string, name: string, within?: NodeRef): Promise<void> {
    await this.firefox.bidi.click(this.context, await this.waitFor(role, name, { within }));
  }

  async fill(role: string, name: string, text: string): Promise<void> {
    await this.firefox.bidi.fill(this.context, await this.waitFor(role, name), text);
  }

  /**
   * A form field by its accessible name alone. Firefox's accessibility
   * locator matches no ARIA role for `<input type="password">` (it has none in
   * HTML-AAM), so the password field is found by name, as the one editable
   * control among the nodes so named (its label shares the name).
   */
  async field(name: string): Promise<NodeRef> {
    const fields = await poll(
      async () => {
        const named = await this.firefox.bidi.locate(this.context, {
          type: 'accessibility',
          value: { name },
        });
        const editable = await Promise.all(
          named.map((node) =>
            this.call<boolean>('(el) => el.matches("input, textarea, select")', [node]),
          ),
        );
        return named.filter((_, i) => editable[i]);
      },
      (found) => found.length === 1,
      { what: `one field named "${name}"` },
    );
    return fields[0] as NodeRef;
  }

  async checked(node: NodeRef): Promise<boolean> {
    return this.firefox.bidi.call<boolean>(this.context, '(el) => el.checked', [node]);
  }

  /** What a person reads in the node. */
  text(node: NodeRef): Promise<string> {
    return this.firefox.bidi.call<string>(this.context, '(el) => el.innerText', [node]);
  }

  /** Waits until the node's text satisfies `accept`; returns that text. */
  waitForText(node: NodeRef, accept: (text: string) => boolean, what: string): Promise<string> {
    return poll(() => this.text(node), accept, { what });
  }

  /** Runs `fn` (a function's source) in the extension page, where `browser.*` is. */
  call<T>(fn: string, args: (NodeRef | string | number | boolean | null)[] = []): Promise<T> {
    return this.firefox.bidi.call<T>(this.context, fn, args);
  }

  /** The toolbar badge: `browserAction` in the MV2 build, `action` in MV3. */
  badge(): Promise<Badge> {
    return this.call<Badge>(`async () => {
      const action = browser.action ?? browser.browserAction;
      return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
    }`);
  }

  /** Ids of the notifications shown now. */
  async notifications(): Promise<string[]> {
    return Object.keys(
      await this.call<Record<string, unknown>>('() => browser.notifications.getAll()'),
    );
  }
}

/** The options page's sign-in form, filled and sent by label. */
export async function signIn(
  options: ExtensionTab,
  serverUrl: string,
  email: string,
  password: string,
  {
    keepSignedIn = false,
    stack = referenceStack(serverUrl),
  }: { keepSignedIn?: boolean; stack?: StackConfig } = {},
): Promise<void> {
  // Through Stack Auth (issue #10): the reference server's project unless told otherwise.
  await options.fill('textbox', 'Server URL', serverUrl);
  await options.fill('textbox', 'Project ID', stack.projectId);
  await options.fill('textbox', 'Publishable client key', stack.publishableClientKey);
  await options.fill('textbox', 'Auth API URL', stack.apiUrl);
  await options.fill('textbox', 'Email', email);
  await options.firefox.bidi.fill(options.context, await options.field('Password'), password);
  const keep = await options.waitFor('checkbox', 'Keep me signed in');
  if ((await options.checked(keep)) !== keepSignedIn) {
    await options.firefox.bidi.click(options.context, keep);
  }
  await options.click('button', 'Sign in');
}
