import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Diagnostic } from 'vscode-languageserver-types';
import { LspSession } from '../support/lspSession';

/** A checkout laid out as apparmor.d's repository: the include root is a subfolder, the profiles deeper. */
function checkout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-roots-'));
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('apparmor.d/tunables/global', '@{bin}=/{,usr/}bin\n@{shell_dir}=/usr/share/shell\n');
  write('apparmor.d/abstractions/shell-common', '@{shell_dir}/** r,\n');
  write('apparmor.d/abi/3.0', '');
  write('apparmor.d/groups/shell/shell', '');
  return dir;
}

const PROFILE = 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile shell @{bin}/shell {\n  include <abstractions/shell-common>\n  @{shell_dir}/bin ix,\n}\n';

/** Hints (advice such as a missing abi line) are not what these tests look at. */
const serious = (d: { severity?: number }): boolean => d.severity !== 4;

test('over LSP: an ancestor of the open file laid out as an include root resolves its includes without a setting', async () => {
  const dir = checkout();
  const { session } = await LspSession.start({ workspaceFolders: [{ uri: `file://${dir}`, name: 'checkout' }], initializationOptions: { includeDirs: ['/nonexistent'] } });
  try {
    const uri = `file://${dir}/apparmor.d/groups/shell/shell`;
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: PROFILE } });
    // Found on open: the publish that follows has no include or variable errors.
    let diags = await session.diagnosticsFor(uri, 1);
    // A later publish may follow the first; wait a bounded while for the last one.
    for (const end = Date.now() + 10_000; diags.some(serious) && Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      diags = session.published.get(uri)!.at(-1)!.diagnostics;
    }
    assert.deepEqual(diags.filter(serious).map((d) => d.code), []);
  } finally {
    await session.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('over LSP: includes not on the search path give one diagnostic on the first include', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-noroot-'));
  const { session } = await LspSession.start({ workspaceFolders: [{ uri: `file://${dir}`, name: 'w' }], initializationOptions: { includeDirs: [dir] } });
  try {
    const uri = `file://${dir}/shell`;
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: PROFILE } });
    const diags = (await session.diagnosticsFor(uri, 1)).filter(serious);
    assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]), [['include-path-unresolved', 0]]);
    assert.match(Diagnostic.getMessageString(diags[0]!), /include\(s\) not found on the include search path/);
  } finally {
    await session.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
