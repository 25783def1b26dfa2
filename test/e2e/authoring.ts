/**
 * Writing a profile as its author does, in the packaged extension inside a real VS Code: a
 * risky rule typed gets its warning, hover and quick fixes; completion opens by itself after
 * a qualifier and a rule keyword; hovers explain `@{HOME}`, an include, an abi and a rule's
 * path (what it matches, and that an abstraction already allows it). Each step
 * is photographed.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openByQuickOpen } from './ui';
import { SCREENSHOT_DIR, type Session } from './workbench';

const FIXTURE = 'authoring.apparmor';
/** A person's pace: about six keys a second. */
const KEY_DELAY_MS = 160;

export interface AuthoringReport {
  /** The warning's hover on `ux`, and the titles of the quick fixes offered there. */
  readonly riskHover: string;
  readonly riskFixes: string[];
  /** The completion rows that opened by themselves after `owner ` and after `signal `. */
  readonly afterOwner: string[];
  readonly afterSignal: string[];
  /** Hovers on `@{HOME}`, on `abstractions/base` and on `abi/3.0`. */
  readonly homeHover: string;
  readonly includeHover: string;
  readonly abiHover: string;
  /** The hover on a path that an abstraction already allows: what it matches, what the rule adds. */
  readonly pathHover: string;
  readonly screenshots: string[];
}

export const writeProfile: Session<AuthoringReport> = async (page) => {
  const screenshots: string[] = [];
  const shot = async (name: string): Promise<void> => {
    const file = path.join(SCREENSHOT_DIR, name);
    await page.screenshot({ path: file });
    screenshots.push(file);
  };
  await openByQuickOpen(page, FIXTURE);
  await page.locator('.statusbar .codicon-shield').first().waitFor({ timeout: 60_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').click();
  await goToLineEnd(page, 6);
  await page.keyboard.type('  /usr/bin/helper ux,', { delay: KEY_DELAY_MS });
  await page.locator('.editor-instance .monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
  const riskHover = await hoverOn(page, '/usr/bin/helper ux,', 'ux', 'Unconfined exec');
  await shot('security-lint-hover.png');
  const riskFixes = await quickFixesAt(page);
  await shot('security-lint-fixes.png');
  await page.keyboard.press('Escape');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  const afterOwner = await listAfter(page, 'owner ', 'file');
  await shot('completion-owner.png');
  await page.keyboard.press('Escape');
  await clearLine(page);
  const afterSignal = await listAfter(page, 'signal ', 'send');
  await shot('completion-signal.png');
  await page.keyboard.press('Escape');
  await clearLine(page);
  await page.keyboard.type('@{HOME}/.authoring r,', { delay: KEY_DELAY_MS });
  await page.keyboard.press('Escape');
  const homeHover = await hoverOn(page, '@{HOME}/.authoring r,', 'HOME', 'Expands to');
  await shot('hover-home.png');
  const includeHover = await hoverOn(page, 'include <abstractions/base>', 'abstractions/base', 'files:');
  await shot('hover-include.png');
  const abiHover = await hoverOn(page, 'abi <abi/3.0>,', 'abi/3.0', 'Mediates');
  await shot('hover-abi.png');
  // Away from the last hover first: a click while it shows lands in it, not in the text.
  await page.mouse.move(5, 5);
  await page.locator('.editor-instance .monaco-editor .view-lines').click();
  await goToLineEnd(page, 7);
  await page.keyboard.press('Enter');
  await page.keyboard.type('/etc/ld.so.cache r,', { delay: KEY_DELAY_MS });
  await page.keyboard.press('Escape');
  const pathHover = await hoverOn(page, '/etc/ld.so.cache r,', 'ld.so', 'Matches exactly');
  await shot('hover-path.png');
  return { riskHover, riskFixes, afterOwner, afterSignal, homeHover, includeHover, abiHover, pathHover, screenshots };
};

async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
}

/** Selects the current line's text after its indentation and deletes it. */
async function clearLine(page: Page): Promise<void> {
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Delete');
}

/** Types `text` key by key; the list must open by itself and show a row holding `expect`. */
async function listAfter(page: Page, text: string, expect: string): Promise<string[]> {
  await page.keyboard.type(text, { delay: KEY_DELAY_MS });
  const rows = page.locator('.suggest-widget.visible .monaco-list-row');
  await rows.filter({ hasText: expect }).first().waitFor({ timeout: 15_000 });
  return (await rows.allInnerTexts()).map((t) => t.split('\n')[0]!.trim());
}

/** Ctrl+. on the current line: the titles of the actions offered. */
async function quickFixesAt(page: Page): Promise<string[]> {
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row.action');
  await rows.first().waitFor({ timeout: 15_000 });
  return (await rows.allInnerTexts()).map((t) => t.trim());
}

/**
 * Points at `word` in the line holding `lineText` and waits for a hover holding `expect`. A
 * busy host can drop the hover; a person would point again, and so does this.
 */
async function hoverOn(page: Page, lineText: string, word: string, expect: string): Promise<string> {
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expect }).first();
  for (let attempt = 1; ; attempt++) {
    const at = await page.evaluate(([line, w]) => {
      for (const el of document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')) {
        const text = (el.textContent ?? '').replace(/\u00a0/g, ' ');
        const column = text.indexOf(w);
        if (!text.includes(line) || column < 0) continue;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let offset = column + Math.floor(w.length / 2);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent?.length ?? 0;
          if (offset < length) {
            const range = document.createRange();
            range.setStart(node, offset);
            range.setEnd(node, offset + 1);
            const r = range.getBoundingClientRect();
            return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
          }
          offset -= length;
        }
      }
      return undefined;
    }, [lineText, word] as const);
    if (!at) throw new Error(`no line shows ${JSON.stringify(lineText)}`);
    await page.mouse.move(at.x, at.y, { steps: 4 });
    try {
      await hover.waitFor({ timeout: 8_000 });
      return (await hover.innerText()).trim();
    } catch (e) {
      if (attempt === 4) throw e;
      await page.mouse.move(5, 5);
      await page.waitForTimeout(300);
    }
  }
}
