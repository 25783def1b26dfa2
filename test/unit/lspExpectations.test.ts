import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LspSession } from '../support/lspSession';
import { tempTree } from '../support/tempTree';

const PROFILE = 'profile web {\n  /etc/web/** r,\n  deny /etc/shadow r,\n}\n';
const TESTS = 'allow web r /etc/web/site.conf\nallow web r /etc/shadow\nallow ghost r /x\nallow \n';

type Hover = { contents: { value: string } } | null;
type Completion = { items: { label: string }[] };

test('over LSP: an expectations file gets its own diagnostics, hover and completion, and follows the profile as it is edited', async () => {
  const dir = tempTree('aa-lsp-tests-', { 'profiles/web': PROFILE, 'abstractions/.keep': '' });
  const { session } = await LspSession.start({ workspaceFolders: [{ uri: `file://${dir}`, name: 'w' }], initializationOptions: { includeDirs: [dir] } });
  try {
    const uri = `file://${dir}/profiles/web.apparmor-test`;
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor-test', version: 1, text: TESTS } });
    const diags = await session.diagnosticsFor(uri, 1);
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.code]), [[1, 'expectation-failed'], [2, 'expectation-unknown-profile'], [3, 'expectation-malformed']]);
    assert.match(diags[0]!.message as string, /but the profile denies it: r on \/etc\/shadow is denied by an explicit deny rule/);
    assert.equal(diags[0]!.relatedInformation?.[0]?.location.uri, `file://${dir}/profiles/web`);

    const hover = await session.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
    assert.match(hover!.contents.value, /✅ \*\*Holds\*\*[\s\S]*line 2\]/);
    const completion = await session.conn.sendRequest<Completion>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 6 } });
    assert.ok(completion.items.some((i) => i.label === 'web'), completion.items.map((i) => i.label).join(' '));

    // The profile opened and its deny rule deleted: the expectation now holds.
    const profileUri = `file://${dir}/profiles/web`;
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: profileUri, languageId: 'apparmor', version: 1, text: PROFILE } });
    const before = session.published.get(uri)?.length ?? 0;
    await session.conn.sendNotification('textDocument/didChange', { textDocument: { uri: profileUri, version: 2 }, contentChanges: [{ text: 'profile web {\n  /etc/web/** r,\n  /etc/shadow r,\n}\n' }] });
    for (const end = Date.now() + 20_000; (session.published.get(uri)?.length ?? 0) === before && Date.now() < end;) await new Promise((r) => setTimeout(r, 50));
    const after = session.published.get(uri)!.at(-1)!.diagnostics;
    assert.deepEqual(after.map((d) => d.code), ['expectation-unknown-profile', 'expectation-malformed']);
  } finally {
    await session.close();
  }
});
