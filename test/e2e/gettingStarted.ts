/**
 * Getting started as a new user does it, in the VS Code that `npm start` serves: the printed
 * address opened in chromium, the walkthrough from the welcome page, a first profile made
 * with New Profile… (its file icon, the status bar's mode, the Load button), the output
 * channel's times, and the settings under "AppArmor". Photographs each.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, type E2eInstall } from './install';
import { freePort, startGroup, stopGroup } from './processGroup';
import { CHROMIUM_ARGS, withDeadline } from './sandbox';
import { quickOpen, runCommand, showDenialsOfWholeFile } from './ui';
import { pollFor, SCREENSHOT_DIR } from './workbench';

const KEY_DELAY_MS = 120;

export interface StartReport {
  readonly address: string;
  readonly walkthroughSteps: string[];
  readonly profileText: string;
  readonly statusText: string;
  readonly tabIcon: string;
  readonly titleActions: string[];
  readonly outputLines: string[];
  /** The Outline view's rows for the new profile, once expanded. */
  readonly outline: string[];
  readonly settingsHeading: string;
  readonly settingLabels: string[];
  /** The denials panel before anything was read, and after a log was. */
  readonly denialsWelcome: string;
  readonly denialsHeader: string;
  readonly denialRows: string[];
  readonly screenshots: string[];
}

/** `npm start` (without its build: the test run has built) on a copy of examples/, until `session` is done. */
export async function withNpmStart<T>(install: E2eInstall, session: (page: Page, address: string, folder: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-start-'));
  const folder = path.join(dir, 'examples');
  fs.cpSync(path.join(ROOT, 'examples'), folder, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'test/e2e/workspace/logs/denials.log'), path.join(folder, 'denials.log'));
  const output: string[] = [];
  const env = { ...process.env, APPARMOR_START_DIR: path.join(dir, 'state'), TMPDIR: dir };
  const child = startGroup(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), '--no-build', '--folder', folder, '--port', String(await freePort())], env, (l) => output.push(l));
  let browser: Browser | undefined;
  try {
    return await withDeadline((async () => {
      const address = await waitForAddress(output, child);
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: install.chromium, headless: true, args: CHROMIUM_ARGS });
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(address, { timeout: 120_000 });
      try {
        return await session(page, address, folder);
      } catch (e) {
        fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'getting-started-failure.png') }).catch(() => undefined);
        throw e;
      }
    })(), 4 * 60_000, 'the getting-started check');
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\nnpm start said:\n  ${output.slice(-20).join('\n  ')}`, { cause: e });
  } finally {
    await browser?.close().catch(() => undefined);
    await stopGroup(child);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function waitForAddress(output: string[], child: { exitCode: number | null }): Promise<string> {
  const line = await pollFor(() => {
    const found = output.find((l) => /^\s+http:\/\/127\.0\.0\.1:\d+\/\?folder=/.test(l));
    if (!found && child.exitCode !== null) throw new Error(`npm start exited with status ${child.exitCode} before printing an address`);
    return found;
  }, 150_000);
  if (!line) throw new Error('npm start printed no address within 150 s');
  return line.trim();
}

export async function gettingStarted(page: Page, address: string, folder: string): Promise<StartReport> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const shot = async (name: string): Promise<string> => {
    const file = path.join(SCREENSHOT_DIR, name);
    await page.screenshot({ path: file });
    return file;
  };
  const screenshots: string[] = [];
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  const walkthroughSteps = await openWalkthrough(page);
  // Room for the step's media beside the steps: the side bar closed for the picture.
  await page.keyboard.press('Control+B');
  await page.locator('.getting-started-media').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
  await page.waitForTimeout(1500);
  screenshots.push(await shot('walkthrough.png'));
  await page.keyboard.press('Control+B');
  const profileText = await newProfileFromWalkthrough(page, folder);
  const statusText = await waitForStatus(page, /AppArmor.*complain/);
  const tabIcon = await tabIconOf(page, 'usr.bin.hello');
  const titleActions = await editorTitleActions(page);
  screenshots.push(await shot('new-profile.png'));
  const outline = await outlineRows(page);
  screenshots.push(await shot('outline.png'));
  const outputLines = await outputOfCheck(page);
  screenshots.push(await shot('output-timestamps.png'));
  const { heading, labels } = await openSettings(page);
  screenshots.push(await shot('settings.png'));
  await page.keyboard.press('Escape');
  const denialsWelcome = await openDenialsPanel(page);
  screenshots.push(await shot('denials-empty.png'));
  const { header, rows } = await denialsOfLog(page);
  screenshots.push(await shot('denials-panel.png'));
  return { address, walkthroughSteps, profileText, statusText, tabIcon, titleActions, outputLines, outline, settingsHeading: heading, settingLabels: labels, denialsWelcome, denialsHeader: header, denialRows: rows, screenshots };
}

/** From the welcome page that a first start shows, as a person would: click the walkthrough's title. */
async function openWalkthrough(page: Page): Promise<string[]> {
  const entry = page.locator('.getting-started-category', { hasText: 'Get Started with AppArmor Profiles' }).first();
  try {
    await entry.waitFor({ timeout: 30_000 });
    await entry.click();
  } catch {
    // A welcome page that lists other walkthroughs first: open it by name.
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.keyboard.type('AppArmor', { delay: KEY_DELAY_MS });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'AppArmor' }).first().click();
  }
  const steps = page.locator('.getting-started-step .step-title');
  await steps.first().waitFor({ timeout: 30_000 });
  return (await steps.allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '');
}

/** The step's button, then what the command asks: the kind, the program's path, where to save. */
async function newProfileFromWalkthrough(page: Page, folder: string): Promise<string> {
  await page.locator('.getting-started-step', { hasText: 'Write a first profile' }).first().click();
  await page.locator('.getting-started-step.expanded a, .getting-started-step.expanded button', { hasText: 'New Profile…' }).first().click();
  const input = page.locator('.quick-input-widget input');
  // Clicked, as the hand is on the mouse: the walkthrough can keep the keyboard's focus a
  // moment after its button is pressed, and an Enter then pressed the button again.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'For a program' }).first().click();
  await page.locator('.quick-input-widget', { hasText: 'absolute path' }).waitFor();
  if (!(await focusInQuickInput(page))) {
    console.log('getting started: the path box opened without the focus; clicking into it, as a person would');
    await input.click();
  }
  // Typed where the focus is, as a person types: closing the kind's list once gave the focus
  // back to the walkthrough's button, and the path went there.
  await page.keyboard.type('/usr/bin/hello', { delay: KEY_DELAY_MS });
  await page.keyboard.press('Enter');
  // The save dialog proposes the folder of the other profiles and the name; Enter accepts.
  await page.locator('.quick-input-widget input').waitFor({ timeout: 60_000 });
  await pollFor(async () => ((await input.inputValue()).endsWith('usr.bin.hello') ? true : undefined), 30_000);
  await page.keyboard.press('Enter');
  await page.locator('.tab.active[data-resource-name="usr.bin.hello"]').waitFor({ timeout: 20_000 });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+S');
  const file = path.join(folder, 'usr.bin.hello');
  const saved = await pollFor(() => {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    return text.includes('profile hello') ? text : undefined;
  }, 15_000);
  if (saved === undefined) throw new Error(`${file} was not saved with the new profile`);
  return saved;
}

/** Whether the keyboard's focus is, or within 5 s comes, inside the quick input. */
async function focusInQuickInput(page: Page): Promise<boolean> {
  const inside = () => page.evaluate(() => document.activeElement?.closest('.quick-input-widget') != null);
  return (await pollFor(async () => ((await inside()) ? true : undefined), 5_000, 100)) ?? false;
}

async function waitForStatus(page: Page, pattern: RegExp): Promise<string> {
  const items = page.locator('.statusbar-item');
  const found = await pollFor(async () => (await items.allInnerTexts()).map((t) => t.trim()).find((t) => pattern.test(t)), 30_000, 250);
  if (found) return found;
  throw new Error(`no status bar item matches ${pattern}: ${(await items.allInnerTexts()).join(' | ')}`);
}

/**
 * The classes of the active editor's title actions, once Load's icon is among them: the
 * title bar takes the new editor's language a moment after the status bar does.
 */
async function editorTitleActions(page: Page): Promise<string[]> {
  const actions = '.editor-group-container.active .editor-actions .action-label';
  await page.locator(`${actions}.codicon-cloud-upload`).first().waitFor({ timeout: 20_000 }).catch(() => undefined);
  return page.locator(actions).evaluateAll((els) => els.map((e) => e.getAttribute('class') ?? ''));
}

/** The background of the icon before the tab's name: the language's icon when the theme has none of its own. */
async function tabIconOf(page: Page, name: string): Promise<string> {
  const label = page.locator(`.tab[data-resource-name="${name}"] .monaco-icon-label`).first();
  return label.evaluate((el) => `${el.getAttribute('class') ?? ''} | ${getComputedStyle(el, '::before').backgroundImage}`);
}

/** Check with apparmor_parser, then the output channel: each line it wrote carries its time. */
async function outputOfCheck(page: Page): Promise<string[]> {
  await runCommand(page, 'AppArmor: Check with apparmor_parser');
  await page.waitForTimeout(1500);
  await runCommand(page, 'AppArmor: Show Output');
  const lines = page.locator('.part.panel .output-view .view-lines .view-line');
  const read = async (): Promise<string[]> => (await lines.allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
  return (await pollFor(async () => { const text = await read(); return text.some((l) => l.includes('apparmor_parser')) ? text : undefined; }, 20_000, 250)) ?? read();
}

/** The settings editor at the extension's own group, as picked from its table of contents: Extensions › AppArmor. */
async function openSettings(page: Page): Promise<{ heading: string; labels: string[] }> {
  await page.keyboard.press('Escape');
  await runCommand(page, 'Preferences: Open Settings (UI)');
  const toc = page.locator('.settings-editor .settings-toc-container .monaco-list-row');
  await toc.first().waitFor({ timeout: 20_000 });
  const extensions = toc.filter({ hasText: /^Extensions/ }).first();
  await extensions.scrollIntoViewIfNeeded();
  if ((await extensions.getAttribute('aria-expanded')) !== 'true') await extensions.click();
  await toc.filter({ hasText: /^AppArmor/ }).first().click();
  const titles = page.locator('.settings-editor .setting-item-title');
  const shown = await pollFor(async () => {
    const texts = (await titles.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    return texts.includes('Abi') ? texts : undefined;
  }, 20_000, 250);
  if (shown) {
    const heading = (await page.locator('.settings-editor .settings-group-title-label').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '').join(' | ');
    return { heading, labels: shown.filter((t) => t !== '') };
  }
  throw new Error(`the AppArmor settings did not show: ${(await titles.allInnerTexts()).join(' | ')}`);
}

/** The panel's AppArmor Denials tab, as a person opens it: by its view's name in the command palette. */
async function openDenialsPanel(page: Page): Promise<string> {
  await runCommand(page, 'View: Open View');
  await page.keyboard.type('AppArmor Denials', { delay: 40 });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'AppArmor Denials' }).first().waitFor();
  await page.keyboard.press('Enter');
  const welcome = page.locator('.part.panel .welcome-view-content').first();
  await welcome.waitFor({ timeout: 20_000 });
  return (await welcome.innerText()).replace(/\s+/g, ' ').trim();
}

/** A log opened, its lines read with Show Denials in Selection; the panel's header and rows as shown. */
async function denialsOfLog(page: Page): Promise<{ header: string; rows: string[] }> {
  await quickOpen(page, 'denials.log');
  await showDenialsOfWholeFile(page);
  const panel = page.locator('.part.panel');
  const rows = panel.locator('.monaco-list-row');
  await rows.filter({ hasText: 'capability net_bind_service,' }).first().waitFor({ timeout: 30_000 });
  await page.mouse.move(5, 5);
  await page.waitForTimeout(500);
  const header = (await panel.locator('.pane-header, .title').allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();
  const message = (await panel.locator('.message').allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();
  return { header: `${header} ${message}`.trim(), rows: (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()) };
}

/** The Explorer's Outline section opened, its tree expanded: the profile, its includes and its rules by kind. */
async function outlineRows(page: Page): Promise<string[]> {
  const header = page.locator('.pane-header', { hasText: /^\s*Outline/ }).first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  const pane = page.locator('.pane', { has: header });
  const rows = pane.locator('.monaco-list-row');
  await rows.filter({ hasText: 'files' }).first().waitFor({ timeout: 20_000 });
  for (const row of await rows.all()) if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  await page.waitForTimeout(500);
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}
