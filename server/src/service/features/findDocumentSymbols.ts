import { DocumentSymbol, SymbolKind } from 'vscode-languageserver-types';
import type { BodyItem, FileNode, TopItem } from '../ast';
import type { LineIndex } from '../diagnostics';

/** Profiles, hats and child profiles (nested), includes and variables. */
export function findDocumentSymbols(ast: FileNode, lines: LineIndex): DocumentSymbol[] {
  return symbolsOf(ast.items, lines);
}

function symbolsOf(items: readonly (TopItem | BodyItem)[], lines: LineIndex): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const item of items) {
    const range = lines.rangeOf(item.start, item.end);
    switch (item.type) {
      case 'profile': {
        const name = item.name?.value ?? '(unnamed)';
        out.push({
          name: item.hat ? `^${name}` : name,
          detail: [item.attachment?.text, item.flags ? `flags=(${item.flags.map((f) => f.name.text).join(',')})` : ''].filter(Boolean).join(' '),
          kind: item.hat ? SymbolKind.Method : SymbolKind.Class,
          range,
          selectionRange: item.name ? lines.rangeOf(item.name.start, item.name.end) : range,
          children: symbolsOf(item.body.items, lines),
        });
        break;
      }
      case 'include':
        if (item.path) out.push({ name: item.path.text, kind: SymbolKind.File, range, selectionRange: lines.rangeOf(item.path.start, item.path.end) });
        break;
      case 'variable':
        out.push({ name: `${item.sigil}{${item.name.value}}`, detail: item.values.map((v) => v.text).join(' '), kind: SymbolKind.Variable, range, selectionRange: lines.rangeOf(item.name.start, item.name.end) });
        break;
      case 'qualifierBlock':
      case 'if':
        for (const s of symbolsOf(item.type === 'if' ? item.then.items : item.body.items, lines)) out.push(s);
        break;
    }
  }
  return out;
}
