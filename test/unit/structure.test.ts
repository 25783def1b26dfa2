import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { SymbolKind, type DocumentSymbol, type SelectionRange } from 'vscode-languageserver-types';
import { LineIndex } from '../../server/src/service/diagnostics';
import { findDocumentSymbols } from '../../server/src/service/features/findDocumentSymbols';
import { getFoldingRanges } from '../../server/src/service/features/getFoldingRanges';
import { getSelectionRanges } from '../../server/src/service/features/getSelectionRanges';
import { getSemanticTokens, SEMANTIC_LEGEND } from '../../server/src/service/features/getSemanticTokens';
import { parse } from '../../server/src/service/parser';
import { markers } from '../support/markers';

/**
 * The features that show a file's structure, called as the server calls them, with the
 * expected places marked in the snippet: `⟦ … ⟧` around each, `|` at the cursor.
 */

const slices = (text: string, spans: readonly { start: number; end: number }[]): string[] => spans.map((s) => text.slice(s.start, s.end));

test('folding: each block over several lines folds from its { to the line before its }', () => {
  const { text, spans } = markers([
    '@{V}=/v',
    'profile outer ⟦{',
    '  ^hat ⟦{',
    '    /a r,',
    '  }⟧',
    '  audit ⟦{',
    '    /b r,',
    '  }⟧',
    '  if ${B} ⟦{',
    '    /c r,',
    '  }⟧ else ⟦{',
    '    /d r,',
    '  }⟧',
    '  profile one-line { /e r, }',
    '}⟧',
    '',
  ].join('\n'));
  const lines = new LineIndex(text);
  const line = (offset: number): number => lines.positionAt(offset).line;
  const folds = getFoldingRanges(parse(text).ast, lines).map((f) => [f.startLine, f.endLine]);
  assert.deepEqual(folds.sort((a, b) => a[0]! - b[0]!), spans.map((s) => [line(s.start), line(s.end) - 1]));
});

/** The chain of a selection range as spans, from the innermost out. */
function chain(range: SelectionRange, lines: LineIndex): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let r: SelectionRange | undefined = range; r; r = r.parent) out.push({ start: lines.offsetAt(r.range.start), end: lines.offsetAt(r.range.end) });
  return out;
}

test('selection ranges grow word, rule, block, qualifier block, profile, file', () => {
  const { text, cursor, spans } = markers('⟦@{V}=/v\n⟦profile p ⟦{\n  ⟦audit ⟦{\n    ⟦/a ⟦r|w⟧,⟧\n  }⟧⟧\n}⟧⟧\n⟧');
  const lines = new LineIndex(text);
  const [range] = getSelectionRanges(parse(text).ast, lines, [cursor]);
  const innermostFirst = [...spans].sort((a, b) => a.end - a.start - (b.end - b.start));
  assert.deepEqual(slices(text, chain(range!, lines)), slices(text, innermostFirst));
});

test('selection ranges step through if and else blocks, and skip a span equal to the last', () => {
  // With no line break after the profile, the file and the profile are one span: one step.
  const { text, cursor, spans } = markers('⟦profile p ⟦{\n  ⟦if ${B} { } else ⟦{ ⟦⟦/|a⟧ r,⟧ }⟧⟧\n}⟧⟧');
  const lines = new LineIndex(text);
  const [range] = getSelectionRanges(parse(text).ast, lines, [cursor]);
  const innermostFirst = [...spans].sort((a, b) => a.end - a.start - (b.end - b.start));
  assert.deepEqual(slices(text, chain(range!, lines)), slices(text, innermostFirst));
});

/** LSP's relative encoding undone: each token's text and its type with its modifiers. */
function decode(text: string, data: readonly number[]): { span: { start: number; end: number }; what: string }[] {
  const lines = new LineIndex(text);
  const out: { span: { start: number; end: number }; what: string }[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dLine, dChar, length, type, mods] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += dLine;
    char = dLine === 0 ? char + dChar : dChar;
    const start = lines.offsetAt({ line, character: char });
    const modifiers = SEMANTIC_LEGEND.tokenModifiers.filter((_, bit) => mods & (1 << bit));
    out.push({ span: { start, end: start + length }, what: [SEMANTIC_LEGEND.tokenTypes[type], ...modifiers].join(' ') });
  }
  return out;
}

test('semantic tokens: variables, profile names, modes, keywords and capabilities, at their places', () => {
  const { text, spans } = markers([
    '⟦@{APP}⟧=/usr/bin/app /opt/⟦@{APP}⟧',
    '⟦profile⟧ ⟦app⟧ ⟦@{APP}⟧ {',
    '  ⟦capability⟧ ⟦chown⟧ ⟦net_admin⟧,',
    '  ⟦@{APP}⟧/data ⟦rw⟧,',
    '  /usr/bin/helper ⟦Px⟧ -> ⟦helper⟧,',
    '  ⟦network⟧ inet stream,',
    '  ⟦link⟧ /a -> ⟦@{APP}⟧,',
    '  ⟦set⟧ rlimit nofile <= 10,',
    '}',
    '',
  ].join('\n'));
  const tokens = decode(text, getSemanticTokens(parse(text).ast, new LineIndex(text)));
  assert.deepEqual(slices(text, tokens.map((t) => t.span)), slices(text, spans));
  assert.deepEqual(tokens.map((t) => t.what), [
    'variable declaration', 'variable',
    'keyword', 'class declaration', 'variable',
    'keyword', 'enumMember defaultLibrary', 'enumMember defaultLibrary',
    'variable', 'operator',
    'operator', 'class',
    'keyword',
    'keyword', 'variable',
    'keyword',
  ]);
});

const kindName = (kind: SymbolKind): string => Object.entries(SymbolKind).find(([, v]) => v === kind)?.[0] ?? String(kind);

/** A symbol tree as lines: name, kind, detail, children indented. */
function outline(symbols: readonly DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [
    `${'  '.repeat(depth)}${s.name} ${kindName(s.kind)}${s.detail ? ` (${s.detail})` : ''}`,
    ...outline(s.children ?? [], depth + 1),
  ]);
}

function selections(symbols: readonly DocumentSymbol[], lines: LineIndex): { start: number; end: number }[] {
  return symbols.flatMap((s) => [
    { start: lines.offsetAt(s.selectionRange.start), end: lines.offsetAt(s.selectionRange.end) },
    ...selections(s.children ?? [], lines),
  ]);
}

test('document symbols: variables, includes and profiles, hats and children nested, each selecting its name', () => {
  const { text, spans } = markers([
    '@{⟦V⟧}=/v /w',
    'include ⟦<tunables/global>⟧',
    'profile ⟦outer⟧ /usr/bin/outer flags=(complain) {',
    '  include ⟦<abstractions/base>⟧',
    '  ^⟦hat⟧ {',
    '  }',
    '  audit {',
    '    profile ⟦in-block⟧ { }',
    '  }',
    '  if ${B} {',
    '    hat ⟦in-if⟧ { }',
    '  }',
    '}',
    '⟦/usr/bin/bare⟧ { }',
    '',
  ].join('\n'));
  const lines = new LineIndex(text);
  const symbols = findDocumentSymbols(parse(text).ast, lines);
  assert.deepEqual(outline(symbols), [
    '@{V} Variable (/v /w)',
    '<tunables/global> File',
    'outer Class (/usr/bin/outer flags=(complain))',
    '  <abstractions/base> File',
    '  ^hat Method',
    '  in-block Class',
    '  ^in-if Method',
    '/usr/bin/bare Class',
  ]);
  assert.deepEqual(slices(text, selections(symbols, lines)), slices(text, spans));
  // The range is the whole item: the profile from its keyword to its closing brace.
  const outer = symbols[2]!;
  assert.equal(text.slice(lines.offsetAt(outer.range.start), lines.offsetAt(outer.range.end)).split('\n').at(-1), '}');
});
