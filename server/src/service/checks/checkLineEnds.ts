import type { FileNode } from '../ast';
import type { ProblemSink } from './problems';

/**
 * apparmor_parser's lexer ends lines at LF (or CR LF); a carriage return on its own, as in
 * files saved with old Mac line ends, is a character it cannot read, except inside a comment
 * or a quoted string. Reported once, at the first, with how many there are.
 */
export function checkLineEnds(text: string, ast: FileNode, sink: ProblemSink): void {
  let i = text.indexOf('\r');
  if (i < 0) return;
  let first = -1;
  let count = 0;
  const outside = outsideCommentsAndQuotes(text, ast);
  for (; i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) === 0x0a || !outside(i)) continue;
    if (first < 0) first = i;
    count++;
  }
  if (first < 0) return;
  sink.add('lone-carriage-return', { start: first, end: first + 1 }, { count: count === 1 ? 'one' : String(count) });
}

/**
 * Whether an offset lies outside comments and quoted strings, asked in increasing order:
 * one pass over the text however many offsets are asked.
 */
function outsideCommentsAndQuotes(text: string, ast: FileNode): (offset: number) => boolean {
  const comments = ast.comments;
  let c = 0;
  let k = 0;
  let pos = 0;
  let inQuote = false;
  return (offset) => {
    while (c < comments.length && comments[c]!.end <= offset) c++;
    const comment = comments[c];
    if (comment && comment.start <= offset) return false;
    // Quotes are counted from the last place asked, skipping comments on the way.
    for (; pos < offset; pos++) {
      while (k < comments.length && comments[k]!.end <= pos) k++;
      if (k < comments.length && comments[k]!.start <= pos) { pos = comments[k]!.end - 1; continue; }
      const ch = text.charCodeAt(pos);
      if (ch === 0x5c && inQuote) pos++;
      else if (ch === 0x22) inQuote = !inQuote;
    }
    return !inQuote;
  };
}
