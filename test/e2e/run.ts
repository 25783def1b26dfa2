/**
 * Runs the mocha suite of suite/ inside a real VS Code extension host: VS Code's server from
 * code-server, its web workbench in headless chromium, the test payload in the URL (as
 * @vscode/test-electron passes extensionTestsPath). Exit status: the suite's; 0 with a
 * "skipped" line where code-server or chromium is not installed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { extensionProblem, locateE2e, ROOT, type E2eInstall } from './install';
import { freePort, startGroup, stopGroup, waitForPort } from './processGroup';
import { CHROMIUM_ARGS, makeSandbox, withDeadline } from './sandbox';
import { foldFolders, widenSideBar } from './ui';
import { SCREENSHOT_DIR } from './workbench';
import { startVm } from './vmTarget';

export const SUITE_DIR = path.join(ROOT, 'out/test/e2e/suite');
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 8 * 60_000);
/** Must match suite/helpers.ts: the suite's lines among everything the workbench logs. */
const MARK = '\u2063e2e\u2063';
/** Must match suite/helpers.ts: a suite line asking for a screenshot of the page, its request (JSON) following. */
const SHOT = '\u2063shot\u2063';
const VERBOSE = process.env.E2E_VERBOSE === '1';

/** A workbench log call: console arguments (a format string first) as the extension host sent them. */
function logLine(args: unknown): { suite: boolean; text: string } {
  const parts = Array.isArray(args) ? [...args] : [args];
  const suite = typeof parts[0] === 'string' && parts[0].startsWith(MARK);
  if (suite) parts[0] = (parts[0] as string).slice(MARK.length);
  return { suite, text: format(...parts) };
}

export type Print = (line: string) => void;
const toStdout: Print = (line) => process.stdout.write(line + '\n');

export async function runSuite(install: E2eInstall, print: Print = toStdout, extensionDir = ROOT): Promise<number> {
  // Boots while VS Code starts; the suite's kernel tests wait for it.
  const vm = startVm(process.execPath);
  const sb = makeSandbox();
  const port = await freePort();
  const serverLog: string[] = [];
  const workbenchLog: string[] = [];
  const server = startGroup(install.node, [
    install.serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--accept-server-license-terms', '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust',
    '--extensions-dir', sb.extensionsDir, '--user-data-dir', sb.userDataDir, '--server-data-dir', sb.serverDataDir,
  ], sb.env, (line) => serverLog.push(line));
  let browser: Browser | undefined;

  const drive = async (): Promise<number> => {
    await waitForPort(port, server, 60_000);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: install.chromium, headless: true, args: CHROMIUM_ARGS });
    // Copy docker run Command writes the clipboard; a headless page has one only when allowed.
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const exit = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => {
      const { suite, text } = logLine(args);
      if (suite && text.startsWith(SHOT)) void photograph(page, JSON.parse(text.slice(SHOT.length)) as ShotRequest, print);
      else if (suite || VERBOSE) print(text);
      else workbenchLog.push(`${level}: ${text}`);
    });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDir)],
      ['extensionTestsPath', remote(SUITE_DIR)],
      ['extensionEnvironment', JSON.stringify({ E2E_GREP: process.env.E2E_GREP ?? '', E2E_SCREENSHOT_DIR: SCREENSHOT_DIR, ...vm.env })],
    ];
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(sb.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return exit;
  };

  try {
    const code = await withDeadline(drive(), TIMEOUT_MS, 'the e2e suite');
    if (code !== 0) printTails(print, workbenchLog, serverLog, vm.tail());
    return code;
  } catch (e) {
    print(`e2e: ${e instanceof Error ? e.message : String(e)}`);
    printTails(print, workbenchLog, serverLog, vm.tail());
    return 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await stopGroup(server);
    const left = await vm.stop();
    if (left.length > 0) print(`e2e: processes of the kernel VM outlived it, killed now:\n  ${left.join('\n  ')}`);
    sb.dispose();
  }
}

/** What the suite asks to be photographed: the file, and a side bar row to rest the pointer on (its tooltip then shows). */
interface ShotRequest {
  readonly file: string;
  readonly hover?: string;
}

/**
 * The page as the suite asked for it, the side bar's views made readable first: the folder
 * tree folded, the side bar widened. Written under another name and renamed, so the suite,
 * waiting for the file, never reads half of it.
 */
async function photograph(page: Page, request: ShotRequest, print: Print): Promise<void> {
  const { file, hover } = request;
  try {
    await foldFolders(page);
    await widenSideBar(page, 700);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(500);
    if (hover) await restOn(page, hover, print);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: `${file}.part.png` });
    fs.renameSync(`${file}.part.png`, file);
  } catch (e) {
    print(`e2e: no screenshot ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Points at the side bar's or panel's row holding `text` until its tooltip shows; without one, the picture is taken all the same. */
async function restOn(page: Page, text: string, print: Print): Promise<void> {
  // The tooltip belongs to the row's label, not to its indent or icon.
  // The Denials view lives in the panel, the Explorer's views in the side bar.
  const label = page.locator('.part.sidebar .monaco-list-row, .part.panel .monaco-list-row', { hasText: text }).first().locator('.monaco-icon-label').first();
  const tooltip = page.locator('.workbench-hover, .monaco-hover:not(.hidden)').first();
  for (let attempt = 1; attempt <= 3; attempt++) {
    // A row that is not there must not use up the suite's wait for the picture.
    const box = await label.boundingBox({ timeout: 5_000 }).catch(() => null);
    if (!box) break;
    await page.mouse.move(box.x + Math.min(60, box.width / 2), box.y + box.height / 2, { steps: 4 });
    try {
      await tooltip.waitFor({ state: 'visible', timeout: 6_000 });
      return;
    } catch {
      await page.mouse.move(5, 5);
    }
  }
  print(`e2e: no tooltip on the row "${text}"; the screenshot is taken without it`);
}

function printTails(print: Print, workbenchLog: readonly string[], serverLog: readonly string[], vmTail: string): void {
  print('e2e: last lines of the workbench log:\n  ' + workbenchLog.slice(-40).join('\n  '));
  print('e2e: last lines of the VS Code server:\n  ' + serverLog.slice(-20).join('\n  '));
  print(`e2e: the kernel VM:\n  ${vmTail}`);
}

async function main(): Promise<number> {
  const located = locateE2e();
  const problem = 'skip' in located ? located.skip : extensionProblem();
  if (problem !== undefined || !('install' in located)) {
    console.log(`e2e skipped: ${problem}`);
    return 0;
  }
  const started = Date.now();
  const code = await runSuite(located.install);
  console.log(`e2e: suite exited with ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e: unknown) => (console.error(e), process.exit(1)));
}
