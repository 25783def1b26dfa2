import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { Diagnostic } from 'vscode-languageserver-types';
import { PARSER_MESSAGES_REQUEST } from '../../server/src/protocol';
import { LspSession } from '../support/lspSession';
import { systemParser } from '../support/parsers';

/** apparmor_parser on save, and the client's parser runs, as the server publishes them (issue 15 item 6, issue 16 item 13). */
const skip = systemParser ? false : 'apparmor_parser is not installed at /usr/sbin/apparmor_parser (apt-get install apparmor)';
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-parser-save-'));
const INC = path.join(DIR, 'inc');
let session: LspSession;
let conn: MessageConnection;

before(async () => {
  fs.mkdirSync(path.join(INC, 'abstractions'), { recursive: true });
  // Our checker takes `userns,` (AppArmor 4.0); apparmor_parser 3.x stops at it.
  fs.writeFileSync(path.join(INC, 'abstractions', 'newer'), 'userns,\n');
  fs.writeFileSync(path.join(INC, 'abstractions', 'fine'), '/etc/fine r,\n');
  fs.writeFileSync(path.join(INC, 'abstractions', 'outer'), 'include <abstractions/newer>\n');
  session = (await LspSession.start({ workspaceFolders: [{ uri: `file://${DIR}`, name: 'ws' }], initializationOptions: { includeDirs: [INC] } })).session;
  conn = session.conn;
});

after(async () => {
  await session?.close();
  fs.rmSync(DIR, { recursive: true, force: true });
});

let nextVersion = 1;

/** Opens a file written to disk; returns its URI and the diagnostics of the open. */
async function openFile(name: string, text: string): Promise<{ uri: string; version: number }> {
  const file = path.join(DIR, name);
  fs.writeFileSync(file, text);
  const uri = `file://${file}`;
  const version = nextVersion++;
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version, text } });
  await session.diagnosticsFor(uri, version);
  return { uri, version };
}

/** Saves and waits for the publish that carries apparmor_parser's verdict. */
async function save(uri: string): Promise<Diagnostic[]> {
  const before = session.published.get(uri)?.length ?? 0;
  await conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
  for (let i = 0; i < 200 && (session.published.get(uri)?.length ?? 0) === before; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok((session.published.get(uri)?.length ?? 0) > before, `no publish after saving ${uri}`);
  return session.published.get(uri)!.at(-1)!.diagnostics;
}

const fromParser = (ds: readonly Diagnostic[]): Diagnostic[] => ds.filter((d) => d.source === 'apparmor_parser');

test("the parser's error inside an abstraction lands on the include line that reaches it, naming the parser's version", { skip }, async () => {
  const { uri } = await openFile('reaches', 'profile reaches {\n  /a r,\n  include <abstractions/fine>\n  include <abstractions/outer>\n}\n');
  const theirs = fromParser(await save(uri));
  assert.equal(theirs.length, 1, JSON.stringify(theirs));
  const d = theirs[0]!;
  const message = Diagnostic.getMessageString(d);
  assert.equal(d.range.start.line, 3, 'the line of include <abstractions/outer>, which includes newer');
  assert.match(message, new RegExp(`^In ${path.join(INC, 'abstractions', 'newer')} line 1: syntax error`));
  assert.ok(message.endsWith(`(apparmor_parser ${systemParser!.version})`), message);
  assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]), [[`file://${path.join(INC, 'abstractions', 'newer')}`, 0]]);
  assert.equal(session.published.get(`file://${path.join(INC, 'abstractions', 'newer')}`), undefined, 'nothing published on a file the user did not open');
});

test("a file's parser verdict stays when another file is saved", { skip }, async () => {
  const a = await openFile('keeps-a', 'profile keeps-a {\n  include <abstractions/newer>\n}\n');
  assert.equal(fromParser(await save(a.uri)).length, 1);
  const b = await openFile('keeps-b', 'profile keeps-b {\n  /b r,\n}\n');
  assert.deepEqual(fromParser(await save(b.uri)), []);
  // A round trip, so anything the server meant to publish for a has arrived.
  await conn.sendRequest('textDocument/hover', { textDocument: { uri: b.uri }, position: { line: 0, character: 0 } });
  assert.equal(fromParser(session.published.get(a.uri)!.at(-1)!.diagnostics).length, 1, "saving b left a's verdict alone");
});

test('the parser\'s "Could not open" is dropped where we already say the include is missing', { skip }, async () => {
  const { uri } = await openFile('missing', 'profile missing {\n  include <abstractions/nope>\n  /a r,\n}\n');
  const all = await save(uri);
  assert.ok(all.some((d) => d.source !== 'apparmor_parser' && d.range.start.line === 1), JSON.stringify(all));
  assert.deepEqual(fromParser(all).map((d) => d.message), []);
  // With no include path at all ours is one warning on the first include, which the parser's error repeats.
  const bare = (await LspSession.start({ initializationOptions: { includeDirs: [] } })).session;
  try {
    const file = path.join(DIR, 'no-path');
    fs.writeFileSync(file, 'profile no-path {\n  /a r,\n  include <abstractions/nope>\n}\n');
    const uri = `file://${file}`;
    await bare.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: fs.readFileSync(file, 'utf8') } });
    const ours = await bare.diagnosticsFor(uri, 1);
    assert.ok(ours.some((d) => d.code === 'include-unresolved'), JSON.stringify(ours));
    await bare.conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
    for (let i = 0; i < 200 && bare.published.get(uri)!.length === 1; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(bare.published.get(uri)!.length, 2, 'the verdict was published');
    assert.deepEqual(fromParser(bare.published.get(uri)!.at(-1)!.diagnostics).map((d) => d.message), []);
  } finally {
    await bare.close();
  }
});

test("an apparmor_parser older than the file's abi says so once, instead of its errors", { skip: skip || (Number(systemParser!.version.split('.')[0]) >= 4 ? 'the installed apparmor_parser knows abi 4.0' : false) }, async () => {
  const { uri } = await openFile('newer-abi', 'abi <abi/4.0>,\nprofile newer-abi {\n  userns,\n  include <abstractions/newer>\n}\n');
  const theirs = fromParser(await save(uri));
  assert.equal(theirs.length, 1, JSON.stringify(theirs));
  assert.equal(theirs[0]!.range.start.line, 0, 'on the abi line');
  assert.equal(theirs[0]!.severity, 3, 'information, not an error');
  assert.match(Diagnostic.getMessageString(theirs[0]!), new RegExp(`^apparmor_parser ${systemParser!.version.replace(/\./g, '\\.')} is older than this file's abi 4\\.0`));
});

test('parser messages from the client are published by the server, replacing the last run and kept whole', async () => {
  const { uri } = await openFile('from-client', 'profile from-client {\n  capability net_admn,\n}\n');
  const before = session.published.get(uri)!.length;
  const answer = await conn.sendRequest(PARSER_MESSAGES_REQUEST, {
    uri, messages: [{ severity: 'error', line: 2, message: 'Invalid capability net_admn.' }], parser: { where: 'on web1' },
  }) as { shown: number };
  assert.equal(answer.shown, 1);
  assert.ok(session.published.get(uri)!.length > before);
  const last = session.published.get(uri)!.at(-1)!.diagnostics;
  assert.deepEqual(fromParser(last).map((d) => [d.range.start.line, d.message]), [[1, 'Invalid capability net_admn. (apparmor_parser, on web1)']]);
  assert.ok(last.some((d) => d.code === 'unknown-capability'), 'ours stays beside it: the command asked for the whole verdict');
  await conn.sendRequest(PARSER_MESSAGES_REQUEST, { uri, messages: [] });
  assert.deepEqual(fromParser(session.published.get(uri)!.at(-1)!.diagnostics), [], 'an empty run clears the last');
  await assert.rejects(conn.sendRequest(PARSER_MESSAGES_REQUEST, { uri: 'file:///not/open', messages: [] }), /is not open/);
  await assert.rejects(conn.sendRequest(PARSER_MESSAGES_REQUEST, { uri, messages: [{ severity: 'fatal', message: 'x' }] }), /needs/);
});
