/** Positions as LSP and VS Code count them: 0-based lines, UTF-16 characters. */
export interface Pos {
  readonly line: number;
  readonly character: number;
}

/** Where text inserted at `start` ends, so what was added can be selected. */
export function endOfInsert(start: Pos, newText: string): Pos {
  const lines = newText.split('\n');
  const last = lines[lines.length - 1]!;
  return lines.length === 1 ? { line: start.line, character: start.character + last.length } : { line: start.line + lines.length - 1, character: last.length };
}
