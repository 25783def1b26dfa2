/**
 * The packaged extension installed into code-server as a user would, its workbench open in
 * chromium on a copy of test/e2e/workspace: what the UI check and the typing check share.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, type E2eInstall } from './install';
import { freePort, startGroup, stopGroup, waitForPort } from './processGroup';
import { CHROMIUM_ARGS, makeSandbox, withDeadline } from './sandbox';
import { packageVsix } from './vsix';

export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? path.join(ROOT, '.e2e/screenshots');

/** A calm workbench: no welcome page, chat or recommendations over the editor. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 150,
};

export type Session<T> = (page: Page, workspace: string) => Promise<T>;

/**
 * What `probe` finds, asked every `everyMs` until it finds something or `ms` have passed
 * (then undefined): the wait for what a locator cannot wait for by itself, such as a text
 * that must match, a file on disk or the output of a process.
 */
export async function pollFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms: number, everyMs = 200): Promise<T | undefined> {
  for (const end = Date.now() + ms; ;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() >= end) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Runs `session` in a fresh workbench within three minutes; on failure, the page is
 * photographed as `failureShot` (when given) and code-server's last lines join the error.
 */
export async function withWorkbench<T>(install: E2eInstall, what: string, session: Session<T>, failureShot?: string): Promise<T> {
  const sb = makeSandbox();
  const cli = [install.codeServer, '--extensions-dir', sb.extensionsDir, '--user-data-dir', sb.userDataDir];
  execFileSync(install.node, [...cli, '--install-extension', packageVsix(sb.dir)], { env: sb.env, stdio: 'pipe' });
  fs.mkdirSync(path.join(sb.userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(sb.userDataDir, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const port = await freePort();
  const serverLog: string[] = [];
  const server = startGroup(install.node, [
    ...cli, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', sb.workspace,
  ], sb.env, (line) => serverLog.push(line));
  let browser: Browser | undefined;
  try {
    return await withDeadline((async () => {
      await waitForPort(port, server, 60_000);
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: install.chromium, headless: true, args: CHROMIUM_ARGS });
      const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
      // A shared, busy machine can take longer than the default 30 s to serve the workbench.
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(sb.workspace)}`, { timeout: 120_000 });
      try {
        return await session(page, sb.workspace);
      } catch (e) {
        if (failureShot) {
          fs.mkdirSync(path.dirname(failureShot), { recursive: true });
          await page.screenshot({ path: failureShot }).catch(() => undefined);
        }
        throw e;
      }
    })(), 3 * 60_000, what);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\ncode-server said:\n  ${serverLog.slice(-20).join('\n  ')}`, { cause: e });
  } finally {
    await browser?.close().catch(() => undefined);
    await stopGroup(server);
    sb.dispose();
  }
}
