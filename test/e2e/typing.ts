/**
 * Typing at a person's speed in the packaged extension inside a real VS Code: completion lists
 * that open by themselves after `@{`, `@` and `include <`, what accepting them writes, and how
 * long the list takes to show after the keystroke. Photographs the list after `@{`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { extensionProblem, locateE2e, type E2eInstall } from './install';
import { openByQuickOpen } from './ui';
import { pollFor, SCREENSHOT_DIR, type Session, withWorkbench } from './workbench';

const FIXTURE = 'typing.apparmor';
/** A person's pace: about six keys a second. */
const KEY_DELAY_MS = 160;
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? SCREENSHOT_DIR;

export interface TypingReport {
  /** The profile's lines as saved after the typing. */
  readonly lines: string[];
  /** What F2 on a variable defined outside the workspace folders shows. */
  readonly renameMessage: string;
  /** From the trigger keystroke to the list shown, per trigger. */
  readonly latencyMs: Record<string, number>;
  readonly screenshots: string[];
}

/** The typing check in a fresh workbench; on failure the page is photographed. */
export function withTypingWorkbench<T>(install: E2eInstall, session: Session<T>): Promise<T> {
  return withWorkbench(install, 'the typing check', session, path.join(SHOTS, 'typing-failure.png'));
}

/** Types text key by key, then the trigger; resolves with the ms from the trigger key to the list shown with a row holding `expect`. */
async function typeUntilListed(page: Page, text: string, trigger: string, expect: string): Promise<number> {
  await page.keyboard.type(text, { delay: KEY_DELAY_MS });
  // Only the rows in view exist in the page: `expect` must be among the first ones.
  const row = page.locator('.suggest-widget.visible .monaco-list-row', { hasText: expect }).first();
  const started = Date.now();
  await page.keyboard.type(trigger);
  await row.waitFor({ timeout: 15_000 });
  return Date.now() - started;
}

/** Types the rest of a name, waits for its row to be the focused one, and accepts it. */
async function acceptAfter(page: Page, typed: string, label: string): Promise<void> {
  await page.keyboard.type(typed, { delay: KEY_DELAY_MS });
  await page.locator('.suggest-widget.visible .monaco-list-row.focused', { hasText: label }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

export const typeProfile: Session<TypingReport> = async (page, workspace) => {
  await openByQuickOpen(page, FIXTURE);
  // The status item's shield: the language server is running.
  await page.locator('.statusbar .codicon-shield').first().waitFor({ timeout: 60_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').click();
  // The empty line inside the profile, at its end (after the indentation).
  await page.keyboard.press('Control+G');
  await page.keyboard.type('5');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  const latencyMs: Record<string, number> = {};
  const screenshots: string[] = [];
  latencyMs['{'] = await typeUntilListed(page, '@', '{', 'attach_path');
  fs.mkdirSync(SHOTS, { recursive: true });
  screenshots.push(path.join(SHOTS, 'completion-variable.png'));
  await page.screenshot({ path: screenshots[0] });
  await acceptAfter(page, 'TY', 'TYPING_DIR');
  await page.keyboard.press('End');
  await page.keyboard.type('/** r,\n/home/', { delay: KEY_DELAY_MS });
  latencyMs['@'] = await typeUntilListed(page, '', '@', 'attach_path');
  await acceptAfter(page, 'TYP', 'TYPING_DIR');
  await page.keyboard.type(' r,\n', { delay: KEY_DELAY_MS });
  latencyMs['<'] = await typeUntilListed(page, 'include', ' <', 'abstractions/');
  // The list stays open through the name as it is typed, `/` included.
  await acceptAfter(page, 'abstractions/na', 'abstractions/nameservice');
  await page.keyboard.press('Control+S');
  const file = path.join(workspace, 'profiles', FIXTURE);
  const lines = await poll(() => {
    const text = fs.readFileSync(file, 'utf8');
    return text.includes('nameservice') ? text.split('\n') : undefined;
  });
  screenshots.push(path.join(SHOTS, 'rename-refused.png'));
  const renameMessage = await refuseRename(page, workspace, screenshots[1]!);
  return { lines, latencyMs, screenshots, renameMessage };
};

/** F2 on a variable that a file outside the workspace folders defines: the editor shows the refusal at the cursor. */
async function refuseRename(page: Page, workspace: string, shot: string): Promise<string> {
  const system = path.join(path.dirname(workspace), 'system');
  fs.mkdirSync(system, { recursive: true });
  // Beside the workspace, where the fixture's `include "../../system/tunables"` reaches.
  fs.writeFileSync(path.join(system, 'tunables'), '@{SYSTEM_DIR}=/srv/system\n');
  await openByQuickOpen(page, 'rename.apparmor');
  await page.locator('.editor-instance .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type('4:7');
  await page.keyboard.press('Enter');
  await page.keyboard.press('F2');
  const message = page.locator('.monaco-editor-overlaymessage', { hasText: 'outside the workspace folders' }).first();
  await message.waitFor({ timeout: 15_000 });
  await page.screenshot({ path: shot });
  return (await message.innerText()).trim();
}

/**
 * Keystroke-to-list latency on a large real profile: `dir` (an apparmor.d tree, read in place
 * through a link in the throwaway workspace) has its `profiles/NAME` opened and, at the top of
 * its first profile's body, `@{` and `include <` typed `rounds` times each.
 */
export function measureLargeProfile(dir: string, name: string, rounds = 5): (page: Page, workspace: string) => Promise<Record<string, number[]>> {
  return async (page, workspace) => {
    // Named apparmor.d: the language is chosen by that folder's name.
    fs.symlinkSync(dir, path.join(workspace, 'apparmor.d'));
    const text = fs.readFileSync(path.join(dir, 'profiles', name), 'utf8');
    const bodyLine = text.split('\n').findIndex((l) => /^profile\s.*\{\s*$/.test(l)) + 2;
    await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(`apparmor.d/profiles/${name}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor();
    await page.locator('.statusbar .codicon-shield').first().waitFor({ timeout: 60_000 });
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(bodyLine));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    const out: Record<string, number[]> = { '{': [], '<': [] };
    for (let i = 0; i < rounds; i++) {
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowUp');
      out['{']!.push(await typeUntilListed(page, '  @', '{', 'attach_path'));
      await page.keyboard.press('Escape');
      await page.keyboard.press('End');
      await page.keyboard.type('/x r,\n  include', { delay: KEY_DELAY_MS });
      out['<']!.push(await typeUntilListed(page, '', ' <', 'abstractions/'));
      await page.keyboard.press('Escape');
      await page.keyboard.press('Home');
    }
    return out;
  };
}

async function poll<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const found = await pollFor(probe, ms, 100);
  if (found === undefined) throw new Error('the typed profile was not saved');
  return found;
}

async function main(): Promise<number> {
  const located = locateE2e();
  const problem = 'skip' in located ? located.skip : extensionProblem();
  if (problem !== undefined || !('install' in located)) {
    console.log(`typing check skipped: ${problem}`);
    return 0;
  }
  // The latency on a large profile is measured by bench/completionLatency.ts.
  const report = await withTypingWorkbench(located.install, typeProfile);
  console.log(JSON.stringify(report, null, 2));
  return 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e: unknown) => (console.error(e), process.exit(1)));
}
