import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { SECURITY_CODES } from '../../server/src/service/checks/checkSecurity';
import { rng } from '../support/random';
import { LspSession } from '../support/lspSession';
import { type CompletionList, Diagnostic, type DocumentSymbol, type FoldingRange, type Hover } from 'vscode-languageserver-types';

let session: LspSession;
let conn: MessageConnection;
/** A workspace folder with a profile and a tunable of its own, for the index. */
const WS = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-ws-'));

before(async () => {
  fs.writeFileSync(path.join(WS, 'usr.bin.remote-helper'), 'profile remote-helper /usr/bin/rh {\n  /etc/rh r,\n}\n');
  fs.mkdirSync(path.join(WS, 'tunables'), { recursive: true });
  fs.writeFileSync(path.join(WS, 'tunables', 'site'), '@{SITE_DIR}=/srv/site\n');
  const started = await LspSession.start({
    workspaceFolders: [{ uri: `file://${WS}`, name: 'ws' }],
    initializationOptions: { includeDirs: [] },
  });
  session = started.session;
  conn = session.conn;
  assert.ok((started.init as { capabilities: { hoverProvider: boolean } }).capabilities.hoverProvider);
});

after(async () => {
  fs.rmSync(WS, { recursive: true, force: true });
  await session.close();
});

/** Hints (advice such as a missing abi line) and security advice are not what these tests look at. */
async function diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
  return (await session.diagnosticsFor(uri, version)).filter((d) => d.severity !== 4 && !(SECURITY_CODES as readonly unknown[]).includes(d.code));
}

function open(uri: string, text: string): Promise<void> {
  return conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text } });
}

const BROKEN = 'profile p {\n  /etc/a r\n  capability net_admn,\n  /usr/bin/x Px -> x,\n}\n';

test('diagnostics arrive on open and follow edits, versioned', async () => {
  const uri = 'file:///tmp/lsp-test/broken';
  await open(uri, BROKEN);
  const first = await diagnosticsFor(uri, 1);
  assert.deepEqual(first.map((d) => [d.code, d.range.start.line]), [['missing-comma', 1], ['unknown-capability', 2]]);
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 10 } }, text: ',' }],
  });
  const second = await diagnosticsFor(uri, 2);
  assert.deepEqual(second.map((d) => d.code), ['unknown-capability']);
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await session.nextPublish();
  assert.deepEqual(session.published.get(uri)!.at(-1)!.diagnostics, []);
});

test('once the workspace is indexed, Px to a profile nowhere defined is reported, and hover says so', async () => {
  const uri = 'file:///tmp/lsp-test/targets';
  await open(uri, 'profile p {\n  /usr/bin/a Px -> nowhere,\n  /usr/bin/rh Px,\n  /usr/bin/b Px -> remote-helper,\n}\n');
  let codes: [unknown, number][] = [];
  // Indexing ends after the first check; the server then checks open files again.
  for (let i = 0; i < 20 && !codes.some(([c]) => c === 'exec-no-profile'); i++) {
    const last = session.published.get(uri)?.at(-1);
    codes = (last?.diagnostics ?? []).map((d) => [d.code, d.range.start.line]);
    if (!codes.some(([c]) => c === 'exec-no-profile')) await session.nextPublish();
  }
  assert.deepEqual(codes.filter(([c]) => c === 'exec-no-profile'), [['exec-no-profile', 1]]);
  const hover = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 22 } })) as Hover;
  assert.match((hover.contents as { value: string }).value, /profile `remote-helper`, defined in:\n\n- `[^`]*usr\.bin\.remote-helper`, line 1/);
  // Open outside the workspace folders and naming remote-helper, it would make a later rename refuse.
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

test('hover explains an exec transition and a capability', async () => {
  const uri = 'file:///tmp/lsp-test/hover';
  await open(uri, BROKEN.replace('net_admn', 'sys_admin'));
  const px = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 14 } })) as Hover;
  const text = (px.contents as { value: string }).value;
  assert.match(text, /\*\*Px\*\*/);
  assert.match(text, /scrubbed/);
  assert.match(text, /Target profile: `x`/);
  const cap = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 16 } })) as Hover;
  assert.match((cap.contents as { value: string }).value, /CAP_SYS_ADMIN[\s\S]*Powerful/);
});

test('completion after "capability " lists all 41 capabilities', async () => {
  const uri = 'file:///tmp/lsp-test/complete';
  await open(uri, 'profile p {\n  capability \n}\n');
  const list = (await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 13 } })) as CompletionList;
  assert.equal(list.items.length, 41);
  assert.ok(list.items.some((i) => i.label === 'net_admin'));
});

test('typed trigger characters: @ and { open variables, < and / include names; a space in indentation asks nothing', async () => {
  const uri = 'file:///tmp/lsp-test/typing';
  await open(uri, 'profile p {\n  @{}\n  include <abstractions/na>\n  \n}\n');
  const ask = async (line: number, character: number, triggerCharacter: string) => ((await conn.sendRequest('textDocument/completion', {
    textDocument: { uri }, position: { line, character }, context: { triggerKind: 2, triggerCharacter },
  })) as CompletionList).items;
  const vars = await ask(1, 4, '{');
  assert.ok(vars.some((i) => i.label === 'profile_name' && i.textEdit?.newText === 'profile_name'), 'no second brace before the auto-closed one');
  const names = await ask(2, 26, '/');
  const ns = names.find((i) => i.label === 'abstractions/nameservice');
  assert.ok(ns, names.map((i) => i.label).join(', '));
  assert.deepEqual(ns.textEdit && 'range' in ns.textEdit ? ns.textEdit.range : undefined, { start: { line: 2, character: 11 }, end: { line: 2, character: 26 } });
  assert.deepEqual(await ask(3, 2, ' '), []);
});

test('document symbols nest hats and child profiles; blocks fold', async () => {
  const uri = 'file:///tmp/lsp-test/symbols';
  await open(uri, '@{V}=/v\nprofile outer /usr/bin/outer {\n  ^hat {\n    /a r,\n  }\n  profile child {\n    /b r,\n  }\n}\n');
  const symbols = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
  assert.deepEqual(symbols.map((s) => s.name), ['@{V}', 'outer']);
  assert.deepEqual(symbols[1]!.children!.map((s) => s.name), ['^hat', 'child']);
  const folds = (await conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } })) as FoldingRange[];
  assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]).sort(), [[1, 7], [2, 3], [5, 6]]);
});

test('a quick fix arrives for a diagnostic the server published', async () => {
  const uri = 'file:///tmp/lsp-test/fix';
  await open(uri, 'profile p {\n  capability net_admn,\n}\n');
  const [diag] = await diagnosticsFor(uri, 1);
  const actions = (await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: diag!.range, context: { diagnostics: [diag] },
  })) as { title: string; edit: { changes: Record<string, { newText: string }[]> } }[];
  assert.equal(actions[0]!.title, "Change to 'net_admin'");
  assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, 'net_admin');
});

test('formatting returns the whole formatted document', async () => {
  const uri = 'file:///tmp/lsp-test/format';
  await open(uri, 'profile p {  /a   wr,\n    capability chown,\n}\n');
  const edits = (await conn.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as { newText: string }[];
  // By default only layout changes: the blanks and letter order inside the rule stay.
  assert.equal(edits[0]!.newText, 'profile p {\n  /a   wr,\n  capability chown,\n}\n');
});

const NAV = '@{APP} = /usr/bin/app\nprofile app @{APP} {\n  @{APP} mr,\n  /usr/bin/helper Px -> helper,\n}\nprofile helper {\n}\n';

test('definition, references, highlight and rename over the connection', async () => {
  const uri = 'file:///tmp/lsp-test/nav';
  await open(uri, NAV);
  const use = { line: 2, character: 4 };
  const defs = (await conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: use })) as { uri: string; range: { start: { line: number } } }[];
  assert.deepEqual(defs.map((d) => [d.uri, d.range.start.line]), [[uri, 0]]);
  const refs = (await conn.sendRequest('textDocument/references', { textDocument: { uri }, position: use, context: { includeDeclaration: true } })) as { range: { start: { line: number } } }[];
  assert.deepEqual(refs.map((r) => r.range.start.line), [0, 1, 2]);
  const highlights = (await conn.sendRequest('textDocument/documentHighlight', { textDocument: { uri }, position: use })) as unknown[];
  assert.equal(highlights.length, 3);
  const prep = (await conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: use })) as { placeholder: string };
  assert.equal(prep.placeholder, 'APP');
  const edit = (await conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: use, newName: 'BIN' })) as { changes: Record<string, unknown[]> };
  assert.equal(edit.changes[uri]!.length, 3);
  const target = (await conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 26 } })) as { range: { start: { line: number } } }[];
  assert.deepEqual(target.map((d) => d.range.start.line), [5]);
});

test('selection ranges grow from a word to the file; semantic tokens mark variables, profiles and modes', async () => {
  const uri = 'file:///tmp/lsp-test/nav';
  const [sel] = (await conn.sendRequest('textDocument/selectionRange', { textDocument: { uri }, positions: [{ line: 2, character: 10 }] })) as { range: { start: { line: number; character: number }; end: { line: number; character: number } }; parent?: unknown }[];
  assert.deepEqual(sel!.range, { start: { line: 2, character: 9 }, end: { line: 2, character: 11 } });
  let depth = 0;
  for (let r: { parent?: unknown } | undefined = sel; r; r = r.parent as { parent?: unknown } | undefined) depth++;
  assert.ok(depth >= 4, `only ${depth} levels`);
  const tokens = (await conn.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } })) as { data: number[] };
  assert.equal(tokens.data.length % 5, 0);
  assert.deepEqual(tokens.data.slice(0, 5), [0, 0, 6, 0, 1], 'the declaration of @{APP} comes first');
});

test('no request answers with an internal error on fuzz inputs', async () => {
  const random = rng(4242);
  const pieces = ['profile', '{', '}', '(', ')', ',', '->', '=', '"', '#', '@{X}', '/a', 'rw', 'Px', 'capability', 'if', 'else', '\n', ' ', 'owner', 'dbus', 'peer=(', 'include <', '^h'];
  for (let n = 0; n < 60; n++) {
    let text = '';
    for (let i = 0; i < 80; i++) text += pieces[Math.floor(random() * pieces.length)]!;
    const uri = `file:///tmp/lsp-test/fuzz-${n}`;
    await open(uri, text);
    const lines = text.split('\n');
    const line = Math.floor(random() * lines.length);
    const position = { line, character: Math.floor(random() * (lines[line]!.length + 1)) };
    const td = { textDocument: { uri } };
    await conn.sendRequest('textDocument/hover', { ...td, position });
    await conn.sendRequest('textDocument/completion', { ...td, position });
    await conn.sendRequest('textDocument/definition', { ...td, position });
    await conn.sendRequest('textDocument/references', { ...td, position, context: { includeDeclaration: true } });
    await conn.sendRequest('textDocument/documentSymbol', td);
    await conn.sendRequest('textDocument/foldingRange', td);
    await conn.sendRequest('textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } });
    await conn.sendRequest('textDocument/selectionRange', { ...td, positions: [position] });
    await conn.sendRequest('textDocument/semanticTokens/full', td);
    await conn.sendRequest('textDocument/prepareRename', { ...td, position });
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: text.slice(0, text.length >> 1) }] });
    await conn.sendNotification('textDocument/didClose', td);
  }
  // A round trip so the server has logged anything it was going to.
  await conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///none' }, position: { line: 0, character: 0 } });
  assert.deepEqual(session.serverErrors, []);
});

const PARSER = '/usr/sbin/apparmor_parser';
test('on save, apparmor_parser gives a second opinion at the right line', { skip: fs.existsSync(PARSER) ? false : `apparmor_parser is not installed at ${PARSER}` }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-save-'));
  try {
    // 3.0.8 does not know userns rules (4.0); we accept them, so only the parser objects.
    const file = path.join(dir, 'newer');
    const text = 'profile newer {\n  /a r,\n  userns,\n}\n';
    fs.writeFileSync(file, text);
    const uri = `file://${file}`;
    await open(uri, text);
    await diagnosticsFor(uri, 1);
    const before = session.published.get(uri)!.length;
    await conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
    for (let i = 0; i < 100 && session.published.get(uri)!.length === before; i++) await new Promise((r) => setTimeout(r, 50));
    const last = session.published.get(uri)!.at(-1)!.diagnostics;
    const theirs = last.filter((d) => d.source === 'apparmor_parser');
    assert.equal(theirs.length, 1, JSON.stringify(last));
    assert.equal(theirs[0]!.range.start.line, 2);
    assert.match(Diagnostic.getMessageString(theirs[0]!), /syntax error/);
    assert.doesNotMatch(Diagnostic.getMessageString(theirs[0]!), /Cache read\/write/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the workspace is indexed: workspace symbols, profile names from other files, definitions across files', async () => {
  let symbols: { name: string; location: { uri: string } }[] = [];
  for (let i = 0; i < 50 && symbols.length === 0; i++) {
    symbols = (await conn.sendRequest('workspace/symbol', { query: 'remote' })) as typeof symbols;
    if (symbols.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(symbols.map((s) => s.name), ['remote-helper']);
  const vars = (await conn.sendRequest('workspace/symbol', { query: 'SITE' })) as { name: string }[];
  assert.deepEqual(vars.map((s) => s.name), ['@{SITE_DIR}']);
  const uri = 'file:///tmp/lsp-test/uses-remote';
  await open(uri, 'profile p {\n  /usr/bin/rh Px -> remote-helper,\n  /usr/bin/rh2 Px -> \n}\n');
  const list = (await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 21 } })) as CompletionList;
  assert.ok(list.items.some((i) => i.label === 'remote-helper'));
  const defs = (await conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 1, character: 24 } })) as { uri: string }[];
  assert.deepEqual(defs.map((d) => d.uri), [`file://${path.join(WS, 'usr.bin.remote-helper')}`]);
});

test('editing an included tunable re-checks the open profiles that include it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-dep-'));
  try {
    const tunable = path.join(dir, 'vars');
    fs.writeFileSync(tunable, '@{A}=/a\n');
    const profileUri = 'file:///tmp/lsp-test/dependent';
    await open(profileUri, `include "${tunable}"\nprofile p { @{A} r, @{B} r, }\n`);
    assert.deepEqual((await diagnosticsFor(profileUri, 1)).map((d) => d.code), ['variable-undefined']);
    const count = session.published.get(profileUri)!.length;
    await open(`file://${tunable}`, '@{A}=/a\n');
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: `file://${tunable}`, version: 2 }, contentChanges: [{ text: '@{A}=/a\n@{B}=/b\n' }] });
    for (let i = 0; i < 100 && session.published.get(profileUri)!.length === count; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(session.published.get(profileUri)!.at(-1)!.diagnostics.filter((d) => d.severity !== 4), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('over the connection: hover for every access mode and exec transition, include completion, range formatting', async () => {
  const uri = 'file:///tmp/lsp-test/modes';
  const modes = ['r', 'w', 'a', 'l', 'k', 'm', 'ix', 'ux', 'Ux', 'px', 'Px', 'cx', 'Cx', 'pix', 'Pix', 'cix', 'Cix', 'pux', 'PUx', 'cux', 'CUx'];
  const text = `profile p {\n${modes.map((m, i) => `  /f${String(i).padStart(2, '0')} ${m},`).join('\n')}\n  deny /g x,\n  include <\n}\n`;
  await open(uri, text);
  for (let i = 0; i < modes.length; i++) {
    const h = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: i + 1, character: 7 } })) as Hover;
    assert.match((h.contents as { value: string }).value, new RegExp(`\\*\\*${modes[i]}\\*\\*`), modes[i]);
  }
  const x = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: modes.length + 1, character: 10 } })) as Hover;
  assert.match((x.contents as { value: string }).value, /execute/);
  const list = (await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: modes.length + 2, character: 11 } })) as CompletionList;
  assert.ok(list.items.some((i) => i.label === 'abstractions/base'));
  const rangeFormat = async (doc: string, line: number): Promise<unknown> => conn.sendRequest('textDocument/rangeFormatting', {
    textDocument: { uri: doc }, range: { start: { line, character: 0 }, end: { line, character: 3 } }, options: { tabSize: 2, insertSpaces: true },
  });
  // Formatting would split the first line of this document in two: nothing is done rather
  // than touch lines outside the range.
  assert.deepEqual(await rangeFormat('file:///tmp/lsp-test/format', 0), []);
  const indented = 'file:///tmp/lsp-test/range-format';
  await open(indented, 'profile p {\n      /a r,\n        /b r,\n}\n');
  assert.deepEqual(await rangeFormat(indented, 1), [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 11 } }, newText: '  /a r,' }]);
});

test('rename reaches the other files of the workspace', async () => {
  const uri = `file://${path.join(WS, 'rename-across')}`;
  // An open file outside the workspace folders that names the profile would make the rename refuse.
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri: 'file:///tmp/lsp-test/uses-remote' } });
  await open(uri, 'profile p {\n  /usr/bin/rh Px -> remote-helper,\n  @{SITE_DIR}/** r,\n}\n');
  for (let i = 0; i < 50; i++) {
    const s = (await conn.sendRequest('workspace/symbol', { query: 'remote' })) as unknown[];
    if (s.length > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const profileEdit = (await conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: { line: 1, character: 24 }, newName: 'rh' })) as { changes: Record<string, { newText: string }[]> };
  // Every file naming the profile changes, open ones (such as an earlier test's) included.
  for (const u of [`file://${path.join(WS, 'usr.bin.remote-helper')}`, uri]) assert.ok(profileEdit.changes[u], u);
  const varEdit = (await conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: { line: 2, character: 5 }, newName: 'WEB_DIR' })) as { changes: Record<string, { newText: string }[]> };
  for (const u of [`file://${path.join(WS, 'tunables', 'site')}`, uri]) assert.ok(varEdit.changes[u], u);
});

test('rename refuses, saying where the symbol is defined, when it would change files outside the workspace folders', async () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-outside-'));
  try {
    fs.writeFileSync(path.join(outside, 'system-tunable'), '@{SYSTEM_DIR}=/srv/system\n');
    const uri = `file://${path.join(WS, 'rename-refused')}`;
    await open(uri, `include "${outside}/system-tunable"\n@{MINE}=/srv/mine\nprofile p {\n  @{SYSTEM_DIR}/** r,\n  @{MINE}/** r,\n}\n`);
    const position = { line: 3, character: 5 };
    await assert.rejects(conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position }),
      (e: Error) => e.message.includes(`@{SYSTEM_DIR} is defined in ${outside}/system-tunable, outside the workspace folders`));
    await assert.rejects(conn.sendRequest('textDocument/rename', { textDocument: { uri }, position, newName: 'OTHER' }), /outside the workspace folders/);
    const mine = (await conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: { line: 4, character: 5 } })) as { placeholder: string };
    assert.equal(mine.placeholder, 'MINE');
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
