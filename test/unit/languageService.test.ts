import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import { Analyzer, getLanguageService, isRefusal, LineIndex, OtherFile, ServiceHost, Snapshot, WorkspaceIndex } from '../../server/src/service';
import { memoryFs } from '../support/helpers';

/** The LanguageService facade: every feature over one snapshot and a position (issue 16 item 3). */
const FILES = {
  '/etc/apparmor.d/tunables/global': '@{HOME}=/home/*/ /root/\n',
  '/ws/usr.bin.other': 'profile other /usr/bin/other {\n  /etc/other r,\n}\n',
};
const fs = memoryFs(FILES);
const analyzer = new Analyzer({ fs, includeDirs: ['/etc/apparmor.d'] });
const index = new WorkspaceIndex(fs);
index.update('/ws/usr.bin.other', FILES['/ws/usr.bin.other']);
const others: OtherFile[] = [];
const host: ServiceHost = { analyzer: () => analyzer, index, includeNames: () => ['tunables/global'], otherFiles: () => others, folders: () => ['/ws'] };
const service = getLanguageService(host);

function snapshot(uri: string, text: string): Snapshot {
  const doc = TextDocument.create(uri, 'apparmor', 1, text);
  return { uri, text, analysis: analyzer.analyze(uri.replace('file://', ''), text), lines: new LineIndex(text), offsetAt: (p) => doc.offsetAt(p) };
}

const TEXT = 'include <tunables/global>\nprofile p {\n  owner @{HOME}/x r,\n  /usr/bin/o Px -> other,\n  capability \n}\n';
const doc = snapshot('file:///ws/p', TEXT);

test('hover and completion take the snapshot and an LSP position', () => {
  const hover = service.doHover(doc, { line: 2, character: 11 }) as Hover;
  assert.match((hover.contents as MarkupContent).value, /@\{HOME\}/);
  const list = service.doComplete(doc, { line: 4, character: 13 });
  assert.ok(list.items.some((i) => i.label === 'net_admin'));
  // A position past the line's end counts as its end, as the editor's document says.
  assert.deepEqual(service.doComplete(doc, { line: 4, character: 99 }).items.length, list.items.length);
});

test('definition falls back to a profile of another file of the workspace index', () => {
  const defs = service.findDefinition(doc, { line: 3, character: 20 });
  assert.deepEqual(defs.map((d) => [d.uri, d.range.start.line]), [['file:///ws/usr.bin.other', 0]]);
  assert.deepEqual(service.findWorkspaceSymbols('other').map((s) => s.name), ['other']);
});

test('a rename reaching outside the workspace folders is a refusal, not an edit', () => {
  const answer = service.doRename(doc, { line: 2, character: 11 }, 'HOMES');
  assert.ok(isRefusal(answer), JSON.stringify(answer));
  assert.match(answer.refused, /tunables\/global/);
  assert.ok(isRefusal(service.prepareRename(doc, { line: 2, character: 11 })));
  const local = snapshot('file:///ws/q', 'profile q {\n  /a r,\n}\n');
  const prepared = service.prepareRename(local, { line: 0, character: 9 });
  assert.ok(prepared && !isRefusal(prepared) && prepared.placeholder === 'q', JSON.stringify(prepared));
});

test('the document features answer over the same snapshot', () => {
  assert.deepEqual(service.findDocumentSymbols(doc).map((s) => s.name), ['<tunables/global>', 'p']);
  assert.ok(service.getFoldingRanges(doc).some((r) => r.startLine === 1));
  assert.ok(service.getSemanticTokens(doc).length > 0);
  assert.equal(service.getSelectionRanges(doc, [{ line: 2, character: 4 }]).length, 1);
  const messy = snapshot('file:///ws/m', 'profile m {\n/a r,\n}\n');
  assert.deepEqual(service.format(messy, undefined, { tabSize: 2, insertSpaces: true }).map((e) => e.newText), ['profile m {\n  /a r,\n}\n']);
});
