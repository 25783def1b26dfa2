import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { FileNode } from '../ast';
import { LineIndex } from '../diagnostics';
import { parse } from '../parser';
import { BUILTIN_VARIABLES } from '../data/facts';
import { occurrences, symbolAt } from './symbolAt';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The range of a renameable name under the cursor, or null: built-in variables and includes cannot be renamed. */
export function prepareRename(text: string, ast: FileNode, lines: LineIndex, offset: number): { range: Range; placeholder: string } | null {
  const ref = symbolAt(ast, text, offset);
  if (!ref || ref.kind === 'include') return null;
  if (ref.kind === 'variable' && BUILTIN_VARIABLES.has(ref.name)) return null;
  const spans = occurrences(ast, text, ref);
  const here = spans.find((s) => s.start <= offset && offset <= s.end) ?? spans[0];
  return here ? { range: lines.rangeOf(here.start, here.end), placeholder: ref.name } : null;
}

/** Renames a variable or profile everywhere in this file; refuses names AppArmor would not accept. */
/** Another file of the workspace that may name the same variable or profile. */
export interface OtherFile {
  readonly uri: string;
  readonly text: string;
  readonly fragment: boolean;
}

/**
 * Renames a variable or profile in this file and in the other files given (the tunables
 * that define it, the profiles that use it); refuses names AppArmor would not accept.
 */
export function doRename(uri: string, text: string, ast: FileNode, lines: LineIndex, offset: number, newName: string, others: Iterable<OtherFile> = []): WorkspaceEdit | null {
  const ref = symbolAt(ast, text, offset);
  if (!ref || ref.kind === 'include') return null;
  if (ref.kind === 'variable' && (!NAME.test(newName) || BUILTIN_VARIABLES.has(ref.name))) return null;
  if (ref.kind === 'profile' && !/^[^\s,{}()"#]+$/.test(newName)) return null;
  const changes: Record<string, TextEdit[]> = {};
  changes[uri] = occurrences(ast, text, ref).map((s) => ({ range: lines.rangeOf(s.start, s.end), newText: newName }));
  for (const other of others) {
    if (other.uri === uri || other.text.indexOf(ref.name) < 0) continue;
    const otherAst = parse(other.text, { fragment: other.fragment }).ast;
    const otherLines = new LineIndex(other.text);
    const edits = occurrences(otherAst, other.text, ref).map((s) => ({ range: otherLines.rangeOf(s.start, s.end), newText: newName }));
    if (edits.length > 0) changes[other.uri] = edits;
  }
  return { changes };
}
