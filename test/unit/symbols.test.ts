import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { SymbolKind } from 'vscode-languageserver-types';
import { LineIndex } from '../../server/src/service/diagnostics';
import { findDocumentSymbols } from '../../server/src/service/features/findDocumentSymbols';
import { parse } from '../../server/src/service/parser';
import { LspSession } from '../support/lspSession';
import { assertGrowth } from '../support/cost';

const PROFILE = [
  '@{DATA}=/srv/data',
  'profile web /usr/bin/web flags=(complain) {',
  '  include <abstractions/base>',
  '  capability net_bind_service,',
  '  /etc/web/ r,',
  '  network inet stream,',
  '  owner {',
  '    @{HOME}/.web/** rw,',
  '  }',
  '  capability setuid,',
  '  deny   /etc/shadow   r,',
  '  ^worker {',
  '    signal (send) peer=web,',
  '  }',
  '}',
  '',
].join('\n');

/** name (detail) and children, as an outline shows them. */
function tree(symbols: readonly DocumentSymbol[]): unknown[] {
  return symbols.map((s) => (s.children?.length ? { [s.detail ? `${s.name} (${s.detail})` : s.name]: tree(s.children) } : s.name));
}

test('the outline lists each profile\'s rules grouped by kind, where the kind first shows, beside includes and hats', () => {
  const symbols = findDocumentSymbols(parse(PROFILE).ast, new LineIndex(PROFILE), PROFILE);
  assert.deepEqual(tree(symbols), [
    '@{DATA}',
    { 'web (/usr/bin/web flags=(complain))': [
      '<abstractions/base>',
      { 'capabilities (2 rules)': ['capability net_bind_service,', 'capability setuid,'] },
      { 'files (3 rules)': ['/etc/web/ r,', '@{HOME}/.web/** rw,', 'deny /etc/shadow r,'] },
      { 'network (1 rule)': ['network inet stream,'] },
      { '^worker': [{ 'signals (1 rule)': ['signal (send) peer=web,'] }] },
    ] },
  ]);
});

test('a group spans its rules, its selection is its first rule, and rule symbols have kinds of their own', () => {
  const symbols = findDocumentSymbols(parse(PROFILE).ast, new LineIndex(PROFILE), PROFILE);
  const caps = symbols[1]!.children!.find((s) => s.name === 'capabilities')!;
  assert.equal(caps.kind, SymbolKind.Namespace);
  assert.deepEqual([caps.range.start.line, caps.range.end.line], [3, 9]);
  assert.deepEqual(caps.selectionRange, caps.children![0]!.range);
  assert.equal(caps.children![0]!.kind, SymbolKind.Constant);
  const files = symbols[1]!.children!.find((s) => s.name === 'files')!;
  assert.deepEqual(files.children!.map((c) => c.range.start.line), [4, 7, 10]);
  assert.equal(files.children![0]!.kind, SymbolKind.File);
});

test('a fragment\'s bare rules are grouped at the top; long rules are cut; without the text, names come from the tokens', () => {
  const text = `/a r,\ncapability chown,\n/b/${'x'.repeat(100)} rw,\n`;
  const symbols = findDocumentSymbols(parse(text).ast, new LineIndex(text), text);
  assert.deepEqual(symbols.map((s) => s.name), ['files', 'capabilities']);
  assert.equal(symbols[0]!.children![1]!.name.length, 80);
  assert.ok(symbols[0]!.children![1]!.name.endsWith('…'));
  const bare = findDocumentSymbols(parse(PROFILE).ast, new LineIndex(PROFILE));
  assert.equal(bare[1]!.children!.find((s) => s.name === 'capabilities')!.children![0]!.name, 'capability net_bind_service,');
});

test('over LSP: textDocument/documentSymbol has the rule groups', async () => {
  const { session } = await LspSession.start({});
  try {
    const uri = 'file:///tmp/lsp-symbols/web';
    await session.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: PROFILE } });
    const symbols = (await session.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols[1]!.children!.map((s) => s.name), ['<abstractions/base>', 'capabilities', 'files', 'network', '^worker']);
    assert.deepEqual(symbols[1]!.children![2]!.children!.map((s) => s.name), ['/etc/web/ r,', '@{HOME}/.web/** rw,', 'deny /etc/shadow r,']);
  } finally {
    await session.close();
  }
});

test('the outline costs in proportion to the rules: many of one kind, many owner blocks', () => {
  const profile = (n: number): string => `profile p {\n${Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `  owner { /o${i} r, }` : '  capability chown,')).join('\n')}\n}\n`;
  const outline = (text: string): (() => void) => {
    const ast = parse(text).ast;
    const lines = new LineIndex(text);
    return () => { findDocumentSymbols(ast, lines, text); };
  };
  // Four times the rules may cost at most ten times as much (the square would be sixteen); under 15 ms is noise.
  assertGrowth('the outline of 2,000 and 8,000 rules', outline(profile(2_000)), outline(profile(8_000)), 10, 15);
});
