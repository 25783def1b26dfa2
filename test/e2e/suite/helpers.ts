/** Shared by the e2e files: the fixture workspace, the extension under test, and patient waiting. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The repository root (out/test/e2e/suite/ → ../../../..): the extension under development. */
const ROOT = path.resolve(__dirname, '../../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/** What the extension's activate() returns (client/src/extension.ts), as far as the tests use it. */
export interface AppArmorApi {
  readonly activationMs: number;
  serverReady(): Promise<void>;
  /** What the AppArmor Denials view shows (client/src/denialsView.ts). */
  denials(): { readonly description: string; readonly message: string; readonly sources: string[]; readonly items: DenialItem[] };
  /** The target's status item (client/src/targetStatus.ts). */
  target(): { readonly visible: boolean; readonly text: string; readonly tooltip: string; readonly summary?: string; readonly queries: number };
}

/** One item of the denials view; `node` is what its menu actions are passed. */
export interface DenialItem {
  readonly node: unknown;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly contextValue: string;
  readonly command?: vscode.Command;
  readonly children: DenialItem[];
}

/** What every AppArmor command resolves to (client/src/commandResult.ts). */
export interface CommandResult {
  readonly ok: boolean;
  readonly kind: string;
  readonly message: string;
  readonly commandLine?: string;
  /** The notification's buttons; `run` is what a click does. */
  readonly actions?: readonly { readonly title: string; run(): Promise<CommandResult | undefined> }[];
}

/** Marks the suite's lines among the workbench's (run.ts prints only these unless E2E_VERBOSE=1). */
export const MARK = '\u2063e2e\u2063';

export function note(first: unknown = '', ...rest: unknown[]): void {
  if (typeof first === 'string') console.log(MARK + first, ...rest);
  else console.log(MARK, first, ...rest);
}

export function fixture(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e run opens test/e2e/workspace as its folder');
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

export async function openEditor(rel: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fixture(rel)));
}

export async function activeApi(): Promise<AppArmorApi> {
  const ext = vscode.extensions.getExtension<AppArmorApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  const api = await ext.activate();
  await api.serverReady();
  return api;
}

/** Polls until probe gives a value: the server answers asynchronously, after its own debounce. */
export async function waitFor<T>(what: string, probe: () => T | undefined | PromiseLike<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = doc.getText().indexOf(needle);
  if (offset < 0) throw new Error(`"${needle}" is not in ${doc.fileName}`);
  return doc.positionAt(offset + delta);
}

export function describeDiagnostics(list: readonly vscode.Diagnostic[]): string {
  return list.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} [${d.source}] ${d.message}`).join('\n') || '(none)';
}

/**
 * Runs AppArmor commands, each with a deadline: a command that waited on a notification
 * would otherwise hang the suite.
 */
export function commandRunner(deadlineMs: number): (command: string, ...args: unknown[]) => Promise<CommandResult> {
  return async (command, ...args) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${command} did not resolve within ${deadlineMs / 1000} s`)), deadlineMs);
    });
    try {
      const result = await Promise.race([vscode.commands.executeCommand<CommandResult>(command, ...args), deadline]);
      assert.ok(result && typeof result.kind === 'string', `${command} resolves to a result, got ${JSON.stringify(result)}`);
      return result;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Must match run.ts: a line asking the runner for a screenshot of the page. */
const SHOT = '\u2063shot\u2063';

/**
 * A screenshot of the workbench as it is now, by the runner that drives the page (run.ts),
 * into its screenshot folder, the pointer resting on the side bar row holding `hover` if
 * given; resolves with the file once it is written. Undefined where no runner takes
 * screenshots (test-electron).
 */
export async function screenshot(name: string, hover?: string, timeoutMs = 45_000): Promise<string | undefined> {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (!dir) return undefined;
  const file = path.join(dir, name);
  fs.rmSync(file, { force: true });
  note(`${SHOT}${JSON.stringify({ file, hover })}`);
  return waitFor(`the screenshot ${file}`, () => (fs.existsSync(file) ? file : undefined), timeoutMs);
}
