/**
 * The UI check: the packaged extension installed into code-server as a user would, a profile
 * with a mistake opened through Quick Open, its squiggle hovered, the page photographed.
 * Asserts what a person would see: several token colours, a squiggle, the hover's message.
 * Then a kernel log is opened, Show Denials in Selection run from the command palette, and
 * the denials panel photographed with its profiles and proposed rules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { extensionProblem, locateE2e, type E2eInstall } from './install';
import { pollFor, SCREENSHOT_DIR, withWorkbench } from './workbench';

const PROFILE = 'usr.bin.webapp';

export interface UiReport {
  readonly screenshot: string;
  readonly tokenClasses: string[];
  readonly hover: string;
  /** The denials view's rows, as shown. */
  readonly denialRows: string[];
  readonly denialsScreenshot: string;
  /** The Docker-style profile's denials: rows, the actions on a blocked row, the picture. */
  readonly blocked: BlockedView;
  readonly ms: number;
}

export async function runUiCheck(install: E2eInstall): Promise<UiReport> {
  const started = Date.now();
  return withWorkbench(install, 'the UI check', async (page) => {
    await openByQuickOpen(page, PROFILE);
    const tokenClasses = await waitForTokenColours(page);
    const hover = await hoverSquiggle(page);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const screenshot = path.join(SCREENSHOT_DIR, 'diagnostic-hover.png');
    await page.screenshot({ path: screenshot });
    const denialRows = await showDenialsOfLog(page, 'denials.log');
    const denialsScreenshot = path.join(SCREENSHOT_DIR, 'denials-view.png');
    await page.screenshot({ path: denialsScreenshot });
    const blocked = await showBlockedDenials(page);
    return { screenshot, tokenClasses, hover, denialRows, denialsScreenshot, blocked, ms: Date.now() - started };
  }, path.join(SCREENSHOT_DIR, 'ui-failure.png'));
}

export async function openByQuickOpen(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
  await quickOpen(page, name);
}

/** Quick Open, once the workbench is up: the file of that name becomes the active tab. */
export async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor();
}

/** The grammar's scopes become mtk<N> classes, one per distinct colour of the theme. */
async function waitForTokenColours(page: Page): Promise<string[]> {
  const editor = page.locator('.editor-instance .monaco-editor .view-lines');
  await editor.locator('.view-line').first().waitFor();
  const classes = await pollFor(async () => {
    const found = await editor.evaluate((el) => [...new Set([...el.querySelectorAll('span[class*="mtk"]')].flatMap((s) => [...s.classList].filter((c) => /^mtk\d+$/.test(c))))]);
    return found.length >= 5 ? found.sort() : undefined;
  }, 30_000);
  if (!classes) throw new Error('the profile shows fewer than 5 token colours');
  return classes;
}

async function hoverSquiggle(page: Page): Promise<string> {
  const squiggle = page.locator('.editor-instance .monaco-editor .squiggly-error').first();
  await squiggle.waitFor({ timeout: 30_000 });
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'trailing comma' }).first();
  // A busy host can relayout the editor, or drop the hover, between finding the squiggle and
  // resting on it; a person would move away and point again, and so does this.
  for (let attempt = 1; ; attempt++) {
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('the squiggle has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    try {
      await hover.waitFor({ timeout: 8_000 });
      return (await hover.innerText()).trim();
    } catch (e) {
      if (attempt === 4) throw e;
      console.log(`UI check: no hover after pointing ${attempt} time(s); pointing again`);
      await page.mouse.move(5, 5);
      await page.waitForTimeout(300);
    }
  }
}

/** Opens a log, selects it all, runs Show Denials in Selection, and waits for the view's rules. */
async function showDenialsOfLog(page: Page, log: string): Promise<string[]> {
  await page.keyboard.press('Escape');
  await openByQuickOpen(page, log);
  await showDenialsOfWholeFile(page);
  // The view has a panel of its own, as wide as the editor area.
  const view = page.locator('.part.panel .pane', { has: page.locator('.pane-header', { hasText: 'AppArmor Denials' }) });
  const rows = view.locator('.monaco-list-row');
  await rows.filter({ hasText: 'denials-demo' }).first().waitFor({ timeout: 30_000 });
  for (const group of await rows.filter({ hasText: 'denials-demo' }).all()) {
    if ((await group.getAttribute('aria-expanded')) === 'false') await group.click();
  }
  await rows.filter({ hasText: 'capability net_bind_service,' }).first().waitFor({ timeout: 15_000 });
  // A click on a rule opens its profile where the rule would go, as a person would next do.
  await rows.filter({ hasText: '/var/lib/denials-demo/queue.db' }).first().click();
  await page.locator('.tab.active[data-resource-name="denials-demo.apparmor"]').waitFor({ timeout: 15_000 });
  await page.mouse.move(5, 5);
  await page.waitForTimeout(500);
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

export interface BlockedView {
  readonly rows: string[];
  /** The inline actions on the `/bin/dash ix,` row, by title. */
  readonly actions: string[];
  readonly screenshot: string;
}

/**
 * The Docker-style case: denials that the profile's own deny rules block are marked so,
 * and their row offers the deny rule to open, not Add Rule. Photographed with the pointer
 * on that row, so its inline actions show.
 */
async function showBlockedDenials(page: Page): Promise<BlockedView> {
  await page.keyboard.press('Escape');
  // The folder tree is folded by now: Quick Open without waiting for it.
  await quickOpen(page, 'docker-demo.log');
  await showDenialsOfWholeFile(page);
  const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'AppArmor Denials' }) });
  const rows = view.locator('.monaco-list-row');
  const dash = rows.filter({ hasText: '/bin/dash ix,' }).first();
  await dash.waitFor({ timeout: 30_000 });
  await rows.filter({ hasText: 'blocked by a deny rule' }).first().waitFor({ timeout: 15_000 });
  await dash.hover();
  await page.waitForTimeout(500);
  const actions = await dash.locator('.actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.getAttribute('title') ?? ''));
  const screenshot = path.join(SCREENSHOT_DIR, 'denials-blocked.png');
  await page.screenshot({ path: screenshot });
  return { rows: (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()), actions, screenshot };
}

/** Room for the side bar's other views: the folder tree above them folds away. */
export async function foldFolders(page: Page): Promise<void> {
  const folders = page.locator('.pane-header', { hasText: /workspace/i }).first();
  if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
}

/** Drags the sash between the side bar and the editor so the rules show whole. */
export async function widenSideBar(page: Page, width: number): Promise<void> {
  // The side bar's sash is the tall one at its right edge.
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  let box: { x: number; y: number; width: number; height: number } | null = null;
  for (const sash of await page.locator('.monaco-sash.vertical').all()) {
    const b = await sash.boundingBox();
    if (b && sidebar && Math.abs(b.x + b.width / 2 - (sidebar.x + sidebar.width)) < 6 && b.height > sidebar.height / 2) box = b;
  }
  if (!box) return;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(width, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** The active editor's text selected whole, and Show Denials in Selection run on it. */
export async function showDenialsOfWholeFile(page: Page): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+A');
  await runCommand(page, 'AppArmor: Show Denials in Selection');
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

async function main(): Promise<number> {
  const located = locateE2e();
  const problem = 'skip' in located ? located.skip : extensionProblem();
  if (problem !== undefined || !('install' in located)) {
    console.log(`UI check skipped: ${problem}`);
    return 0;
  }
  const report = await runUiCheck(located.install);
  console.log(`UI check passed in ${(report.ms / 1000).toFixed(1)} s: ${report.tokenClasses.length} token colours, hover "${report.hover.split('\n')[0]}", screenshot ${report.screenshot}`);
  return 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e: unknown) => (console.error(e), process.exit(1)));
}
