// Browser end-to-end harness: Debian's headless Chromium driven by playwright-core, the
// built SDK served from a static server on one loopback port and the emulator on another
// (so every call is cross-origin and CORS is exercised), with a profile folder that can be
// reused across browser restarts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../scripts/chromium.mjs';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { serveStatic as serveFiles } from '../../scripts/static-server.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Serves files below `roots` (relative to the repository) on a loopback port. */
export function serveStatic(
  roots: string[],
): Promise<{ origin: string; close: () => Promise<void> }> {
  return serveFiles({ base: ROOT, roots });
}

export function newProfileDir(): string {
  return mkdtempSync(join(tmpdir(), 'paket-chromium-'));
}

/** Launches headless Chromium on a profile folder; reuse the folder to simulate a restart. */
export function launch(profileDir: string): Promise<BrowserContext> {
  return launchChromium(profileDir);
}

export async function startEmulatorForBrowser(): Promise<Emulator> {
  // Signatures off until the SDK signs by default (the merge of SDK signing flips this).
  return startEmulator({ port: 0, quiet: true });
}

/** Opens the SDK test page and waits until `window.sdk` is loaded. */
export async function openSdkPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/test/e2e/pages/sdk.html`);
  await page.waitForFunction(() => (window as unknown as { sdk?: unknown }).sdk !== undefined);
  return page;
}

/** What `window.ensureSession` in pages/sdk.html returns. */
export interface EnsureResult {
  id: string;
  storageKind: string;
  events: string[];
}

type SdkWindow = { ensureSession(baseUrl: string, profileId: string): Promise<EnsureResult> };

/** Runs `sessions.ensure(profileId)` on a fresh client inside the page. */
export function ensureIn(page: Page, baseUrl: string, profileId: string): Promise<EnsureResult> {
  return page.evaluate(
    ([url, profile]) => (window as unknown as SdkWindow).ensureSession(url, profile),
    [baseUrl, profileId] as const,
  );
}

type AppWindow = {
  boot(baseUrl: string): boolean;
  link(profileId: string, appId: string, participantId: string): Promise<LinkResult>;
  pending(): Promise<number>;
};

/** What `window.link` in pages/sdk.html returns. */
export interface LinkResult {
  ok: boolean;
  sessionId?: string;
  name?: string;
  queued?: boolean;
}

/** Creates the page's client, as an app does at start-up. */
export function bootIn(page: Page, baseUrl: string): Promise<boolean> {
  return page.evaluate((url) => (window as unknown as AppWindow).boot(url), baseUrl);
}

export function linkIn(
  page: Page,
  profileId: string,
  appId: string,
  participantId: string,
): Promise<LinkResult> {
  return page.evaluate(
    ([profile, app, participant]) =>
      (window as unknown as AppWindow).link(profile, app, participant),
    [profileId, appId, participantId] as const,
  );
}

export function pendingIn(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as AppWindow).pending());
}

/** For a test file: an emulator and a static server for `roots`, started once, closed after. */
export function useBrowserEnv(roots: string[]): { emu: Emulator; web: { origin: string } } {
  const env = {} as { emu: Emulator; web: Awaited<ReturnType<typeof serveStatic>> };
  beforeAll(async () => {
    env.emu = await startEmulatorForBrowser();
    env.web = await serveStatic(roots);
  });
  afterAll(async () => {
    await env.web?.close();
    await env.emu?.close();
  });
  return env;
}
