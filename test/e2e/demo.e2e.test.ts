// The Lightning demo app in headless Chromium, driven with remote-control keys: it renders,
// and its main flows (switch profile, share and link, unlink, offline and back) leave the app's
// state and the emulator's state in agreement; a reload keeps every profile's Session.
// Needs `npm run demo:build` (the test command runs it). The screenshot is written to
// test-results/demo.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { launch, newProfileDir, useBrowserEnv } from './harness';

interface DemoState {
  ready: boolean;
  status: { healthy: boolean; clientId: string; test: boolean };
  profileIndex: number;
  sessions: Record<string, { id: string; origin: string }>;
  linked: { participant_id: string }[];
  upNext: unknown[];
  pending: number;
  offline: boolean;
  busy: string;
  error: string;
  notice: string;
}
type DemoWindow = { __paketDemo?: { state: DemoState; focusName(): string } };

const env = useBrowserEnv(['demo-app/dist']);

const demoState = (page: Page) =>
  page.evaluate(() => (window as unknown as DemoWindow).__paketDemo?.state) as Promise<DemoState>;
const focusName = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as DemoWindow).__paketDemo?.focusName(),
  ) as Promise<string>;
const idle = (page: Page) =>
  vi.waitFor(async () => expect((await demoState(page))?.busy).toBe(''), { timeout: 15_000 });

/** Moves the focus with Up/Down until the named row has it. */
async function focus(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Backspace'); // Back: to the top row
  for (let i = 0; i < 12 && (await focusName(page)) !== name; i++) {
    await page.keyboard.press('ArrowDown');
  }
  expect(await focusName(page)).toBe(name);
}

async function press(page: Page, row: string): Promise<DemoState> {
  await focus(page, row);
  await page.keyboard.press('Enter');
  await idle(page);
  return demoState(page);
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

describe('the Lightning demo app', () => {
  it('renders, walks the main flows with the remote keys, and keeps Sessions across a reload', async () => {
    const context = await launch(newProfileDir());
    const page = await context.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(
      `${env.web.origin}/demo-app/dist/index.html?baseUrl=${encodeURIComponent(env.emu.url)}`,
    );
    await vi.waitFor(async () => expect((await demoState(page))?.ready).toBe(true), {
      timeout: 20_000,
    });

    // Status and the first profile's Session.
    let s = await demoState(page);
    expect(s.status).toMatchObject({ healthy: true, clientId: 'fab3d02606122a08', test: true });
    const anna = s.sessions['profile-anna']!;
    expect(anna.origin).toBe('created');
    expect(Object.keys(env.emu.state().sessions)).toEqual([anna.id]);

    // Share from an app: the publisher's Participant, linked at the emulator.
    s = await press(page, 'share');
    expect(s.error).toBe('');
    expect(s.linked).toHaveLength(1);
    const first = s.linked[0]!.participant_id;
    expect(env.emu.state().links[anna.id]!.map((l) => l.participant_id)).toEqual([first]);
    await vi.waitFor(async () => expect((await demoState(page)).upNext.length).toBe(3));
    s = await press(page, 'share');
    expect(s.linked).toHaveLength(2);
    expect(env.emu.state().links[anna.id]).toHaveLength(2);

    // A screenshot with the Up Next row on screen.
    await page.waitForTimeout(500);
    const png = await page.screenshot();
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/demo.png', png);
    expect(await colours(page, png)).toBeGreaterThan(20);

    // Unlink the first participant from its row.
    s = await press(page, 'unlink');
    expect(s.linked.map((l) => l.participant_id)).not.toContain(first);
    expect(env.emu.state().links[anna.id]!.map((l) => l.participant_id)).not.toContain(first);

    // Offline: a share is queued on the TV, and delivered when the network returns.
    s = await press(page, 'offline');
    expect(s.offline).toBe(true);
    s = await press(page, 'share');
    expect(s.error).toMatch(/Offline: saved on the TV/);
    expect(s.pending).toBe(1);
    expect(env.emu.state().links[anna.id]).toHaveLength(1);
    s = await press(page, 'offline');
    expect(s.offline).toBe(false);
    await vi.waitFor(async () => expect((await demoState(page)).pending).toBe(0));
    expect(env.emu.state().links[anna.id]).toHaveLength(2);

    // Switch profile: Right on the profile row gives Ben his own Session.
    await focus(page, 'profile');
    await page.keyboard.press('ArrowRight');
    await idle(page);
    s = await demoState(page);
    expect(s.profileIndex).toBe(1);
    const ben = s.sessions['profile-ben']!;
    expect(ben.origin).toBe('created');
    expect(ben.id).not.toBe(anna.id);
    const posts = env.emu.count('POST', '/v1/sessions');
    expect(posts).toBe(2);

    // Reload: both profiles' Sessions come back from storage, with no new POST.
    await page.reload();
    await vi.waitFor(async () => expect((await demoState(page))?.ready).toBe(true), {
      timeout: 20_000,
    });
    expect((await demoState(page)).sessions['profile-anna']).toEqual({
      id: anna.id,
      origin: 'restored',
    });
    await page.keyboard.press('ArrowRight');
    await idle(page);
    expect((await demoState(page)).sessions['profile-ben']).toEqual({
      id: ben.id,
      origin: 'restored',
    });
    expect(env.emu.count('POST', '/v1/sessions')).toBe(posts);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('speaks the 2025 dialect with ?dialect=contexts: a Session SN…, a Context linked by its App ID', async () => {
    const context = await launch(newProfileDir());
    const page = await context.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(
      `${env.web.origin}/demo-app/dist/index.html?dialect=contexts&baseUrl=${encodeURIComponent(env.emu.url)}`,
    );
    await vi.waitFor(async () => expect((await demoState(page))?.ready).toBe(true), {
      timeout: 20_000,
    });
    let s = await demoState(page);
    expect(s.status.healthy).toBe(true);
    const anna = s.sessions['profile-anna']!;
    expect(anna.id).toMatch(/^SN/);
    s = await press(page, 'share');
    expect(s.error).toBe('');
    const linked = s.linked as unknown as { context_id: string; app_id: string }[];
    expect(linked).toHaveLength(1);
    expect(linked[0]!.context_id).toMatch(/^CX/);
    expect(linked[0]!.app_id).toMatch(/^AP/);
    const at = env.emu.state().links[anna.id] as unknown as {
      context_id?: string;
      participant_id?: string;
    }[];
    expect(at.map((l) => l.context_id ?? l.participant_id)).toEqual([linked[0]!.context_id]);
    await context.close();
  });
});
