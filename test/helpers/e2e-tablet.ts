// The setup the meetings' end-to-end tests share: the app on a free port and chromium for the
// suite, one browser context per person, signed in through the login form.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { TEST_PASSWORD } from '../factories/index.js';
import { launchBrowser, login, openWindow, type UserWindow } from './e2e-browser.js';
import { testApp } from './test-app.js';

/** A tablet held upright, as everyone in the meeting room holds it. */
export const TABLET = { width: 768, height: 1024 };

export interface SignInOptions {
  viewport?: { width: number; height: number };
  /** Told of every uncaught error of the person's page, from the login page on. */
  onPageError?: (error: Error) => void;
}

export interface BrowserAndApp {
  /** The app's address (valid once the suite's `before` ran). */
  readonly base: string;
  /** Opens a window of its own for the person (a tablet unless told) and signs them in. */
  signIn(username: string, options?: SignInOptions): Promise<UserWindow>;
}

/**
 * Registers the suite's hooks: before, chromium (the suite is skipped without it) and the test
 * app listening on a free port; after, every window opened by signIn, the browser and the server
 * (its open connections too, such as the live pages' event streams).
 */
export function useBrowserAndApp(): BrowserAndApp {
  let browser: Browser | undefined;
  let server: Server | undefined;
  const windows: UserWindow[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    const { app } = await testApp();
    server = app.listen(0);
  });

  after(async () => {
    for (const w of windows) await w.context.close().catch(() => {});
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
  });

  const baseUrl = () => `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return {
    get base() {
      return baseUrl();
    },
    async signIn(username, { viewport = TABLET, onPageError } = {}) {
      const w = await openWindow(browser!, baseUrl(), viewport);
      windows.push(w);
      if (onPageError) w.page.on('pageerror', onPageError);
      await login(w.page, username, TEST_PASSWORD);
      return w;
    },
  };
}
