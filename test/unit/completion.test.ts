import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CompletionItem, CompletionList, InsertTextFormat, MarkupKind } from 'vscode-languageserver-types';
import { NETWORK_PROTOCOLS } from '../../server/src/service/data/facts';
import { RULE_KIND_LIST } from '../../server/src/service/data/ruleKinds';
import { LineIndex } from '../../server/src/service/diagnostics';
import { CompletionSupport, doComplete } from '../../server/src/service/features/doComplete';
import { LspSession } from '../support/lspSession';

const FULL: CompletionSupport = { snippets: true, markdown: true };

/** The items at the `|` of `src`, with the text without the marker. */
function complete(src: string, support?: CompletionSupport): { text: string; offset: number; items: CompletionItem[] } {
  const offset = src.indexOf('|');
  const text = src.slice(0, offset) + src.slice(offset + 1);
  const items = doComplete(text, offset, { support, variables: ['HOME'], profileNames: () => ['helper'] }).items;
  return { text, offset, items };
}

/** The document after accepting the item `label`: its textEdit applied to the text. */
function accept(src: string, label: string, support?: CompletionSupport): { result: string; item: CompletionItem } {
  const { text, items } = complete(src, support);
  const item = items.find((i) => i.label === label);
  assert.ok(item?.textEdit && 'range' in item.textEdit, `an item ${label} with an edit at ${JSON.stringify(src)}`);
  const lines = new LineIndex(text);
  const { range, newText } = item.textEdit;
  return { result: text.slice(0, lines.offsetAt(range.start)) + newText + text.slice(lines.offsetAt(range.end)), item };
}

test('a client that takes snippets and markdown gets the rule shape and formatted documentation', () => {
  const { result, item } = accept('profile p {\n  capa|\n}', 'capability', FULL);
  assert.equal(result, 'profile p {\n  capability ${1:net_bind_service},\n}');
  assert.equal(item.insertTextFormat, InsertTextFormat.Snippet);
  assert.deepEqual(item.documentation, { kind: MarkupKind.Markdown, value: 'Grant Linux capabilities: `capability chown dac_override,` — or `capability,` for all.' });
});

test('a client without snippets or markdown gets the bare word and plain documentation', () => {
  const { result, item } = accept('profile p {\n  capa|\n}', 'capability');
  assert.equal(result, 'profile p {\n  capability\n}');
  assert.equal(item.insertTextFormat, undefined);
  assert.equal(item.documentation, 'Grant Linux capabilities: capability chown dac_override, — or capability, for all.');
  assert.equal(accept('profile p {\n  /etc/x |\n}', 'r').item.documentation, 'r — read the file, or list the directory.');
});

test('every rule keyword of the table completes, with its snippet where it has one', () => {
  for (const row of RULE_KIND_LIST) {
    const { result } = accept(`profile p {\n  ${row.keyword.slice(0, 2)}|\n}`, row.keyword, FULL);
    assert.equal(result, `profile p {\n  ${row.snippet ?? row.keyword}\n}`, row.kind);
  }
  assert.equal(accept('profile p {\n  unm|\n}', 'unmount', FULL).result, 'profile p {\n  unmount\n}');
});

test('items replace the typed part of the word, from its start to the cursor', () => {
  assert.equal(accept('profile p {\n  capability net_b|\n}', 'net_bind_service').result, 'profile p {\n  capability net_bind_service\n}');
  assert.equal(accept('profile p {\n  signal (se|\n}', 'send').result, 'profile p {\n  signal (send\n}');
  assert.equal(accept('profile p {\n  mount options=(ro,nos|\n}', 'nosuid').result, 'profile p {\n  mount options=(ro,nosuid\n}');
  assert.equal(accept('profile p {\n  /usr/bin/x Px -> hel|,\n}', 'helper').result, 'profile p {\n  /usr/bin/x Px -> helper,\n}');
  assert.equal(accept('profile p {\n  set rlimit nofile <= 100|\n}', 'K').result, 'profile p {\n  set rlimit nofile <= 100K\n}');
  assert.equal(accept('profile p flags=(compl|) {\n}', 'complain').result, 'profile p flags=(complain) {\n}');
  assert.equal(accept('profile p {\n  signal set=(hu|\n}', 'hup').result, 'profile p {\n  signal set=(hup\n}');
});

test('rules after any qualifiers complete alike: owner, prompt and priority= included', () => {
  assert.equal(accept('profile p {\n  priority=10 audit deny capability net_|\n}', 'net_admin').result, 'profile p {\n  priority=10 audit deny capability net_admin\n}');
  assert.equal(accept('profile p {\n  prompt signal (|\n}', 'receive').result, 'profile p {\n  prompt signal (receive\n}');
  assert.equal(accept('profile p {\n  priority=-5 owner /etc/x |\n}', 'w').result, 'profile p {\n  priority=-5 owner /etc/x w\n}');
  assert.equal(accept('profile p {\n  allow unmount options=(|\n}', 'nodev').result, 'profile p {\n  allow unmount options=(nodev\n}');
  assert.equal(accept('profile p {\n  prompt network inet |\n}', 'stream').result, 'profile p {\n  prompt network inet stream\n}');
});

test('network protocols come from the fact table', () => {
  const labels = complete('profile p {\n  network inet |\n}').items.map((i) => i.label);
  for (const protocol of NETWORK_PROTOCOLS.keys()) assert.ok(labels.includes(protocol), protocol);
});

test('over the connection, completion follows the capabilities the client declared', async () => {
  const ask = async (capabilities: object): Promise<CompletionItem | undefined> => {
    const { session } = await LspSession.start({ capabilities, initializationOptions: { includeDirs: [] } });
    try {
      const uri = 'file:///tmp/completion-test/p';
      await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: 'profile p {\n  capa\n}\n' } });
      const list = (await session.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 6 } })) as CompletionList;
      return list.items.find((i) => i.label === 'capability');
    } finally {
      await session.close();
    }
  };
  const rich = await ask({ textDocument: { completion: { completionItem: { snippetSupport: true, documentationFormat: [MarkupKind.Markdown, MarkupKind.PlainText] } } } });
  assert.equal(rich?.insertTextFormat, InsertTextFormat.Snippet);
  assert.deepEqual(rich?.textEdit, { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, newText: 'capability ${1:net_bind_service},' });
  assert.equal((rich?.documentation as { kind?: string } | undefined)?.kind, MarkupKind.Markdown);
  const bare = await ask({});
  assert.equal(bare?.insertTextFormat, undefined);
  assert.deepEqual(bare?.textEdit, { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, newText: 'capability' });
  assert.equal(typeof bare?.documentation, 'string');
});

/** The labels offered at the `|` of `src`. */
const labelsAt = (src: string): string[] => complete(src).items.map((i) => i.label);

test('after a qualifier come the rules that take it and the qualifiers that may follow', () => {
  assert.equal(accept('profile p {\n  deny cap|\n}', 'capability', FULL).result, 'profile p {\n  deny capability ${1:net_bind_service},\n}');
  assert.equal(accept('profile p {\n  audit |\n}', 'deny').result, 'profile p {\n  audit deny\n}');
  assert.equal(accept('profile p {\n  audit deny |\n}', 'owner').result, 'profile p {\n  audit deny owner\n}');
  const afterOwner = labelsAt('profile p {\n  owner |\n}');
  assert.deepEqual(afterOwner.sort(), ['file', 'link'], 'only file rules match an owner');
  assert.ok(!labelsAt('profile p {\n  deny |\n}').includes('audit'), 'audit comes before deny, not after');
  assert.ok(!labelsAt('profile p {\n  deny |\n}').includes('set'), 'set rlimit takes no qualifier');
});

test('after a rule keyword come its permissions and conditionals', () => {
  assert.equal(accept('profile p {\n  signal |\n}', 'set=').result, 'profile p {\n  signal set=\n}');
  assert.ok(labelsAt('profile p {\n  signal |\n}').includes('send'));
  assert.equal(accept('profile p {\n  dbus send |\n}', 'bus=').result, 'profile p {\n  dbus send bus=\n}');
  assert.equal(accept('profile p {\n  unix (send) ty|\n}', 'type=').result, 'profile p {\n  unix (send) type=\n}');
  assert.ok(labelsAt('profile p {\n  ptrace |\n}').includes('tracedby'));
  assert.equal(accept('profile p {\n  mount fs|\n}', 'fstype=').result, 'profile p {\n  mount fstype=\n}');
  assert.equal(accept('profile p {\n  change_profile |\n}', '->').result, 'profile p {\n  change_profile ->\n}');
  assert.equal(accept('profile p {\n  userns |\n}', 'create').result, 'profile p {\n  userns create\n}');
  assert.deepEqual(labelsAt('profile p {\n  dbus bus=ses|\n}'), [], 'a value is not a new word');
});

test('inside peer=( come the peer conditionals, then profile names for label=', () => {
  assert.equal(accept('profile p {\n  dbus send peer=(|\n}', 'name=').result, 'profile p {\n  dbus send peer=(name=\n}');
  assert.equal(accept('profile p {\n  unix (send) peer=(addr=@x |\n}', 'label=').result, 'profile p {\n  unix (send) peer=(addr=@x label=\n}');
  assert.equal(accept('profile p {\n  unix (send) peer=(label=he|\n}', 'helper').result, 'profile p {\n  unix (send) peer=(label=helper\n}');
});

test('file permissions come common-first, in an order the editor keeps', () => {
  const items = complete('profile p {\n  /etc/x |\n}').items;
  assert.deepEqual(items.slice(0, 5).map((i) => i.label), ['r', 'rw', 'mr', 'ix', 'px']);
  const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
  assert.deepEqual(sorted.map((i) => i.label), items.map((i) => i.label));
  const doc = items.find((i) => i.label === 'mr')!.documentation;
  assert.ok(typeof doc === 'string');
  assert.match(doc, /memory-map[\s\S]*read the file/);
});

test('no item is offered twice, and a keyword that VS Code also has a snippet for says what it is', () => {
  for (const src of ['profile p {\n  |\n}', 'profile p {\n  deny |\n}', 'profile p {\n  /etc/x |\n}', 'profile p {\n  signal |\n}', '|']) {
    const labels = labelsAt(src);
    assert.deepEqual(labels.filter((l, i) => labels.indexOf(l) !== i), [], src);
  }
  const snippets = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../snippets/apparmor.json'), 'utf8')) as Record<string, { prefix: string }>;
  const items = complete('profile p {\n  |\n}').items;
  for (const { prefix } of Object.values(snippets)) {
    const same = items.find((i) => i.label === prefix);
    assert.ok(!same || same.labelDetails?.description, `the keyword ${prefix} and the snippet of that prefix read alike`);
  }
});
