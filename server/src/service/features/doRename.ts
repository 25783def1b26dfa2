import type { Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { FileNode } from '../ast';
import type { LineIndex } from '../diagnostics';
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
export function doRename(uri: string, text: string, ast: FileNode, lines: LineIndex, offset: number, newName: string): WorkspaceEdit | null {
  const ref = symbolAt(ast, text, offset);
  if (!ref || ref.kind === 'include') return null;
  if (ref.kind === 'variable' && (!NAME.test(newName) || BUILTIN_VARIABLES.has(ref.name))) return null;
  if (ref.kind === 'profile' && !/^[^\s,{}()"#]+$/.test(newName)) return null;
  const edits = occurrences(ast, text, ref).map((s) => ({ range: lines.rangeOf(s.start, s.end), newText: newName }));
  return { changes: { [uri]: edits } };
}
