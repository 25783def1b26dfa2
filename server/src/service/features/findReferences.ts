import type { DocumentHighlight, Location } from 'vscode-languageserver-types';
import type { FileNode } from '../ast';
import type { LineIndex } from '../diagnostics';
import { occurrences, symbolAt } from './symbolAt';

/** Uses and definitions of the variable or profile under the cursor, in this file. */
export function findReferences(uri: string, text: string, ast: FileNode, lines: LineIndex, offset: number): Location[] {
  const ref = symbolAt(ast, text, offset);
  if (!ref || ref.kind === 'include') return [];
  return occurrences(ast, text, ref).map((s) => ({ uri, range: lines.rangeOf(s.start, s.end) }));
}

export function findDocumentHighlights(text: string, ast: FileNode, lines: LineIndex, offset: number): DocumentHighlight[] {
  const ref = symbolAt(ast, text, offset);
  if (!ref || ref.kind === 'include') return [];
  return occurrences(ast, text, ref).map((s) => ({ range: lines.rangeOf(s.start, s.end) }));
}
