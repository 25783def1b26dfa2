import type { Location } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import type { FileNode, IncludeNode } from '../ast';
import { LineIndex } from '../diagnostics';
import { pathToUri } from '../uri';
import { walkItems } from '../walk';
import { symbolAt } from './symbolAt';
import { tokenAt } from './tokenAt';

/**
 * Where the symbol under the cursor is defined: an include's file, a variable's
 * assignments (here and in included tunables), a profile named in `-> target`.
 */
export function findDefinition(analyzer: Analyzer, path: string, text: string, ast: FileNode, offset: number): Location[] {
  const ref = symbolAt(ast, text, offset);
  if (!ref) return [];
  const here = new LineIndex(text);
  if (ref.kind === 'include') {
    const hit = tokenAt(ast, offset);
    if (hit?.item.type !== 'include') return [];
    return analyzer.targets(hit.item as IncludeNode, path).map((p) => ({ uri: pathToUri(p), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }));
  }
  if (ref.kind === 'profile') {
    const out: Location[] = [];
    walkItems(ast.items, (item) => {
      if (item.type === 'profile' && item.name?.value === ref.name) out.push({ uri: pathToUri(path), range: here.rangeOf(item.name.start, item.name.end) });
    });
    return out;
  }
  const out: Location[] = [];
  const addFrom = (file: string, fileAst: FileNode, lines: LineIndex): void => {
    for (const item of fileAst.items) {
      if (item.type === 'variable' && item.sigil === ref.sigil && item.name.value === ref.name) {
        out.push({ uri: pathToUri(file), range: lines.rangeOf(item.name.start, item.name.end) });
      }
    }
  };
  addFrom(path, ast, here);
  const seen = new Set<string>();
  const visit = (file: string, includes: readonly IncludeNode[]): void => {
    for (const inc of includes) {
      for (const p of analyzer.targets(inc, file)) {
        if (seen.has(p)) continue;
        seen.add(p);
        const f = analyzer.load(p);
        if (!f) continue;
        addFrom(p, f.ast, new LineIndex(f.text));
        visit(p, f.ast.items.filter((i): i is IncludeNode => i.type === 'include'));
      }
    }
  };
  visit(path, ast.items.filter((i): i is IncludeNode => i.type === 'include'));
  return out;
}
