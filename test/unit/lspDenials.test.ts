/** apparmor/denials and apparmor/insertRules over a real stdio connection to the built server. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import type { DenialsResult, InsertRulesResult } from '../../server/src/protocol';
import { DENIALS_REQUEST, INSERT_RULES_REQUEST } from '../../server/src/protocol';
import { pathToUri } from '../../server/src/service/uri';
import { applyEdits } from '../support/edits';
import { LspSession } from '../support/lspSession';

const WS = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-lsp-denials-'));
const PROFILE = path.join(WS, 'usr.bin.notes');
const PROFILE_URI = pathToUri(PROFILE);
const NOTES = 'profile notes /usr/bin/notes {\n  /etc/notes/ r,\n\n  ^sync {\n    /var/lib/notes/ r,\n  }\n}\n';
const LOG = [
  '[  412.1] audit: type=1400 audit(1718000012.101:101): apparmor="DENIED" operation="open" class="file" profile="/usr/bin/notes//sync" name="/var/lib/notes/db" pid=1 comm="n" requested_mask="rw" denied_mask="rw" fsuid=0 ouid=0',
  '[  412.2] audit: type=1400 audit(1718000012.102:102): apparmor="DENIED" operation="capable" class="cap" profile="notes" capname="sys_nice" pid=1 comm="n"',
  '[  412.3] audit: type=1400 audit(1718000012.103:103): apparmor="DENIED" operation="capable" class="cap" profile="unknown-app" capname="chown" pid=2 comm="u"',
  '[  412.4] audit: apparmor="DENIED" profile="notes"',
].join('\n');

let session: LspSession;
let conn: MessageConnection;

before(async () => {
  fs.writeFileSync(PROFILE, NOTES);
  ({ session } = await LspSession.start({
    workspaceFolders: [{ uri: pathToUri(WS), name: 'ws' }],
    initializationOptions: { includeDirs: [] },
  }));
  conn = session.conn;
});

after(async () => {
  fs.rmSync(WS, { recursive: true, force: true });
  await session.close();
});

const denials = (text: string, literal?: boolean): Promise<DenialsResult> => conn.sendRequest(DENIALS_REQUEST, { text, literal });
const insert = (params: object): Promise<InsertRulesResult> => conn.sendRequest(INSERT_RULES_REQUEST, params);

test('apparmor/denials: groups by profile, each located in the workspace at the place its rules go', async () => {
  const result = await denials(LOG);
  assert.deepEqual(result.groups.map((g) => [g.profile, g.target?.profile, g.target?.matchedBy]), [
    ['/usr/bin/notes//sync', 'notes//sync', 'attachment'], ['notes', 'notes', 'name'], ['unknown-app', undefined, undefined],
  ]);
  const [sync, notes] = result.groups;
  assert.equal(sync!.target!.uri, PROFILE_URI);
  assert.deepEqual(sync!.target!.position, { line: 5, character: 0 });
  assert.deepEqual(notes!.target!.position, { line: 6, character: 0 });
  assert.deepEqual(sync!.rules.map((r) => [r.text, r.deny, r.allowed]), [['/var/lib/notes/db rw,', 'deny /var/lib/notes/db rw,', false]]);
  assert.equal(result.records, 3);
  assert.equal(result.unparsed, 1);
  assert.equal(result.unparsedLines[0]!.line, 4);
});

test('apparmor/insertRules: edits for the hat; once applied, the file is checked without errors and the rule is allowed', async () => {
  const { edits, newFile } = await insert({ uri: PROFILE_URI, profile: 'notes//sync', rules: ['/var/lib/notes/db rw,'] });
  assert.equal(newFile, false);
  const after = applyEdits(NOTES, edits);
  assert.equal(after, NOTES.replace('/var/lib/notes/ r,\n', '/var/lib/notes/ r,\n    /var/lib/notes/db rw,\n'));
  // The editor's unsaved text is what both requests see.
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: PROFILE_URI, languageId: 'apparmor', version: 1, text: after } });
  const errors = (await session.diagnosticsFor(PROFILE_URI, 1)).filter((d) => d.severity === 1);
  assert.deepEqual(errors, []);
  const [sync] = (await denials(LOG)).groups;
  assert.equal(sync!.rules[0]!.allowed, true);
  assert.deepEqual((await insert({ uri: PROFILE_URI, profile: 'notes//sync', rules: ['/var/lib/notes/db rw,'] })).edits, [], 'not added twice');
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri: PROFILE_URI } });
});

test('apparmor/insertRules for a file that does not exist yet makes its whole text', async () => {
  const result = await insert({ uri: pathToUri(path.join(WS, 'unknown-app')), profile: 'unknown-app', rules: ['capability chown,'] });
  assert.equal(result.newFile, true);
  assert.equal(result.edits[0]!.newText, 'include <tunables/global>\n\nprofile unknown-app {\n  capability chown,\n}\n');
});

test('bad parameters get a clear InvalidParams error, and the server keeps answering', async () => {
  const bad: [string, unknown, RegExp][] = [
    [DENIALS_REQUEST, { text: 5 }, /needs \{"text": string/],
    [DENIALS_REQUEST, null, /needs \{"text": string/],
    [DENIALS_REQUEST, { text: '', literal: 'yes' }, /"literal" must be true or false/],
    [INSERT_RULES_REQUEST, { uri: PROFILE_URI, profile: 'notes' }, /needs \{"uri": string, "profile": string, "rules": string\[\]/],
    [INSERT_RULES_REQUEST, { uri: PROFILE_URI, profile: 'notes', rules: [1] }, /every rule must be a string/],
    [INSERT_RULES_REQUEST, { uri: 'untitled:x', profile: 'notes', rules: [] }, /only file: URIs/],
    [INSERT_RULES_REQUEST, { uri: PROFILE_URI, profile: 'unconfined', rules: [] }, /unconfined/],
  ];
  for (const [method, params, message] of bad) {
    await assert.rejects(conn.sendRequest(method, params), (e: ResponseError<unknown>) => e.code === -32602 && message.test(e.message), `${method} ${JSON.stringify(params)}`);
  }
  assert.equal((await denials('')).groups.length, 0);
});
