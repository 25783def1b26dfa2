import * as vscode from 'vscode';
import { TEST_ACCESS_REQUEST, TestAccessResult } from '../../server/src/protocol';
import { CommandResult, fail } from './commandResult';

/** Access forms offered in the input box, as the rule that would allow them is written. */
const EXAMPLES = ['r /etc/shadow', 'owner w @{HOME}/…', 'x /usr/bin/ls', 'capability net_admin', 'network inet stream', 'signal send set=term peer=unconfined'];

let last = '';

/**
 * AppArmor: Test Access… — an access typed as its rule is written, answered for the profile
 * at the cursor by the language server's evaluator: the verdict in a message, the deciding
 * lines in a peek view.
 */
export async function testAccessCommand(request: <R>(method: string, params: unknown) => Promise<R>, accessArg?: string): Promise<CommandResult> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'apparmor') return fail('noFile', 'Open an AppArmor profile first.');
  const access = accessArg ?? await vscode.window.showInputBox({
    title: 'AppArmor: Test Access',
    prompt: `Written like the rule that would allow it, such as ${EXAMPLES.slice(0, 4).map((e) => `'${e}'`).join(', ')}`,
    placeHolder: EXAMPLES.join('   '),
    value: last,
  });
  if (!access) return { ok: false, kind: 'cancelled', message: 'No access given.' };
  last = access;
  const { document, selection } = editor;
  let results: TestAccessResult[];
  try {
    ({ results } = await request<{ results: TestAccessResult[] }>(TEST_ACCESS_REQUEST, { uri: document.uri.toString(), position: selection.active, accesses: [access] }));
  } catch (e) {
    return fail('failed', (e as Error).message);
  }
  const r = results[0]!;
  const word = r.verdict === 'allowed' ? (r.audit ? 'Allowed (audited)' : 'Allowed') : r.verdict === 'denied' ? (r.audit ? 'Denied' : 'Denied quietly') : 'Cannot tell';
  const message = `${r.profile}: '${r.access}': ${word}: ${r.message}.`;
  if (r.rules.length > 0) {
    const locations = r.rules.map((x) => new vscode.Location(vscode.Uri.parse(x.uri), new vscode.Range(x.range.start.line, x.range.start.character, x.range.end.line, x.range.end.character)));
    await vscode.commands.executeCommand('editor.action.peekLocations', document.uri, selection.active, locations, 'peek');
  }
  return { ok: true, kind: 'ok', message };
}
