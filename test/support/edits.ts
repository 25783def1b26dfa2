import type { TextEdit } from 'vscode-languageserver-types';
import { LineIndex } from '../../server/src/service/diagnostics';

/** `text` with `edits` made, as an editor makes them: each range read in the original text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}
