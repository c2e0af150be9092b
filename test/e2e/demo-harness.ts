// What the demo apps' browser tests share: the emulator, the two apps each on its own origin
// (as two TV apps are), headless Chromium pages at 1920×1080, remote keys (including the TV
// key codes a keyboard lacks), the apps' state as they publish it, and screenshots checked
// for more than a blank frame.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { startEmulatorForBrowser, serveStatic } from './harness';
import type { Emulator } from '../../emulator/server.js';

export interface DemoEnv {
  emu: Emulator;
  home: { origin: string; close: () => Promise<void> };
  player: { origin: string; close: () => Promise<void> };
  /** The query both apps get: the emulator, the apps' addresses (all loopback). */
  query: string;
  homeUrl: string;
  playerUrl: string;
}

/** For a test file: the emulator and one static server per app, started once. */
export function useDemoEnv(): DemoEnv {
  const env = {} as DemoEnv;
  beforeAll(async () => {
    env.emu = await startEmulatorForBrowser();
    env.home = await serveStatic(['demo-app/dist']);
    env.player = await serveStatic(['demo-app/dist']);
    const home = `${env.home.origin}/demo-app/dist/home/index.html`;
    const player = `${env.player.origin}/demo-app/dist/player/index.html`;
    env.query =
      `?baseUrl=${encodeURIComponent(env.emu.url)}` +
      `&homeUrl=${encodeURIComponent(home)}&playerUrl=${encodeURIComponent(player)}`;
    env.homeUrl = home + env.query;
    env.playerUrl = player + env.query;
  });
  afterAll(async () => {
    await env.home?.close();
    await env.player?.close();
    await env.emu?.close();
  });
  return env;
}

/** Page errors and console errors of a page, for the end of a test. */
export function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${page.url().split('/').slice(-2)[0]}: ${e.message}`));
  return errors;
}

export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(url);
  return page;
}

type AppWindow = {
  __paketDemo?: { state: Record<string, unknown> };
  __paketFocus?: () => string[];
  __paketLayout?: () => Layout;
  __paketFirstFrame?: number;
  __paketExits?: number;
  __paketMedia?: HTMLMediaElement;
};

export interface Layout {
  texts: number;
  outside: string[];
  small: string[];
  boxes: Record<string, { x1: number; y1: number; x2: number; y2: number }>;
  words: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyState = Record<string, any>;

export const stateOf = (page: Page): Promise<AnyState> =>
  page.evaluate(
    () => (window as unknown as AppWindow).__paketDemo?.state ?? {},
  ) as Promise<AnyState>;

export const layoutOf = (page: Page): Promise<Layout> =>
  page.evaluate(() => (window as unknown as AppWindow).__paketLayout!());

export const focusOf = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as AppWindow).__paketFocus?.() ?? []);

/** Waits until `check(state)` holds (polling the app's state), then returns the state. */
export async function until(
  page: Page,
  check: (s: AnyState) => boolean,
  timeout = 20_000,
): Promise<AnyState> {
  let last: AnyState = {};
  await vi.waitFor(
    async () => {
      last = await stateOf(page);
      expect(check(last)).toBe(true);
    },
    { timeout, interval: 200 },
  );
  return last;
}

/** Presses a key as a remote does: a keyboard key name, or a TV key code (10009, 461, 403…). */
export async function press(page: Page, key: string | number, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    if (typeof key === 'string') await page.keyboard.press(key);
    else {
      await page.evaluate((code) => {
        for (const type of ['keydown', 'keyup']) {
          const e = new KeyboardEvent(type, { bubbles: true });
          Object.defineProperty(e, 'keyCode', { get: () => code });
          window.dispatchEvent(e);
        }
      }, key);
    }
    await page.waitForTimeout(120);
  }
}

/** Holds OK down for `ms` (a long press), then lets go. */
export async function hold(page: Page, ms = 1000): Promise<void> {
  await page.keyboard.down('Enter');
  await page.waitForTimeout(ms);
  await page.keyboard.up('Enter');
  await page.waitForTimeout(150);
}

/** Distinct colours in a screenshot, counted in the page (a blank canvas has one or two). */
async function colours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97)
      seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return seen.size;
  }, png.toString('base64'));
}

/**
 * Saves a screenshot as test-results/<name>.png after the next frames have drawn, and checks
 * it is more than a blank frame: many colours, and text on the screen.
 */
export async function shot(page: Page, name: string): Promise<string> {
  await page.waitForTimeout(400); // transitions (0.2 s) and textures settle
  const png = await page.screenshot();
  mkdirSync('test-results', { recursive: true });
  const path = `test-results/${name}.png`;
  writeFileSync(path, png);
  expect(await colours(page, png), `${path} is a blank frame`).toBeGreaterThan(20);
  expect((await layoutOf(page)).texts, `${path} shows no text`).toBeGreaterThan(3);
  return path;
}

/** Waits until the screen shows text matching `pattern` (text is drawn once its texture loads). */
export async function expectWords(page: Page, pattern: RegExp): Promise<Layout> {
  let l: Layout | undefined;
  await vi.waitFor(
    async () => {
      l = await layoutOf(page);
      expect(l.words.join(' ')).toMatch(pattern);
    },
    { timeout: 10_000, interval: 200 },
  );
  return l!;
}

/** The focus path ends with `tail` (soon: page changes and key handling take a frame or two). */
export async function expectFocus(page: Page, tail: string[]): Promise<void> {
  await vi.waitFor(async () => expect((await focusOf(page)).slice(-tail.length)).toEqual(tail), {
    timeout: 5000,
    interval: 100,
  });
}

/** Every visible element inside 1920×1080, and no text under 24 px. */
export async function expectOnScreen(page: Page): Promise<Layout> {
  const l = await layoutOf(page);
  expect(l.outside).toEqual([]);
  expect(l.small).toEqual([]);
  return l;
}

/** Boxes that must not overlap each other (rows, bars), by ref. */
export function expectApart(l: Layout, refs: string[]): void {
  const boxes = refs.filter((r) => l.boxes[r]).map((r) => [r, l.boxes[r]!] as const);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i]!;
      const [b, q] = boxes[j]!;
      const overlap =
        p.x1 < q.x2 - 0.5 && q.x1 < p.x2 - 0.5 && p.y1 < q.y2 - 0.5 && q.y1 < p.y2 - 0.5;
      expect(overlap, `${a} overlaps ${b}`).toBe(false);
    }
  }
}

export const exitsOf = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as AppWindow).__paketExits ?? 0);

export const mediaOf = (page: Page) =>
  page.evaluate(() => {
    const m = (window as unknown as AppWindow).__paketMedia;
    return m
      ? { time: m.currentTime, paused: m.paused, rate: m.playbackRate, ended: m.ended }
      : null;
  });

export const firstFrameOf = (page: Page): Promise<number | undefined> =>
  page.evaluate(() => (window as unknown as AppWindow).__paketFirstFrame);
