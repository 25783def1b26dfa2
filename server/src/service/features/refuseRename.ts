import type { WorkspaceEdit } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import type { FileNode } from '../ast';
import type { LineIndex } from '../diagnostics';
import { uriToPath } from '../uri';
import { doRename, OtherFile } from './doRename';
import { findDefinition } from './findDefinition';
import { symbolAt } from './symbolAt';

/** What decides whether a rename stays among the user's own files. */
export interface RenameScope {
  readonly analyzer: Analyzer;
  /** The workspace folders, as paths; the file itself may change wherever it is. */
  readonly folders: readonly string[];
  readonly others: () => Iterable<OtherFile>;
}

/** The path with `.` and `..` steps resolved: `include "../x"` names files by such paths. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return '/' + out.join('/');
}

const inside = (path: string, folder: string): boolean => {
  const p = normalize(path);
  const f = normalize(folder);
  return p === f || p.startsWith(f === '/' ? f : f + '/');
};

/**
 * Why the symbol under the cursor must not be renamed, or undefined when it may: a rename
 * that would edit a file outside the workspace folders (a system tunable or abstraction on
 * the include path) is refused, and the message says where the symbol is defined.
 */
export function refuseRename(uri: string, text: string, ast: FileNode, lines: LineIndex, offset: number, scope: RenameScope): string | undefined {
  const ref = symbolAt(ast, text, offset);
  if (!ref || ref.kind === 'include') return undefined;
  const path = uriToPath(uri);
  const mine = (p: string): boolean => p === normalize(path) || scope.folders.some((f) => inside(p, f));
  const shown = ref.kind === 'variable' ? `${ref.sigil}{${ref.name}}` : `profile ${ref.name}`;
  const defined = findDefinition(scope.analyzer, path, text, ast, offset).map((l) => normalize(uriToPath(l.uri)));
  const foreignDefinition = defined.find((p) => !mine(p));
  if (foreignDefinition) return `${shown} is defined in ${foreignDefinition}, outside the workspace folders: renaming it would change files that are not part of this workspace.`;
  // The same name as it is: the edits show which files a rename would reach.
  const edit: WorkspaceEdit | null = doRename(uri, text, ast, lines, offset, ref.name, scope.others());
  const foreignUse = Object.keys(edit?.changes ?? {}).map((u) => normalize(uriToPath(u))).find((p) => !mine(p));
  if (!foreignUse) return undefined;
  const where = defined.length > 0 ? `defined in ${defined[0]}` : 'defined here';
  return `${shown} (${where}) is also used in ${foreignUse}, outside the workspace folders: renaming it would change that file.`;
}
