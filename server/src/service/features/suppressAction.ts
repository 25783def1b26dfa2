import { CodeAction, CodeActionKind, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { DIAGNOSTIC_RULES } from '../diagnosticRules';
import type { LineIndex } from '../diagnostics';

const LIST = /#aa:lint\s+ignore=[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*/;

/**
 * "Suppress CODE on this line": `#aa:lint ignore=CODE` at the end of the line the
 * diagnostic starts on, or the code added to the suppression already there. One per code
 * and line, never preferred over a real fix.
 */
export function suppressActions(uri: string, text: string, lines: LineIndex, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const done = new Set<string>();
  for (const d of diagnostics) {
    const code = d.code;
    if (typeof code !== 'string' || !(code in DIAGNOSTIC_RULES) || code.startsWith('suppression-')) continue;
    const line = d.range.start.line;
    if (done.has(`${line}:${code}`)) continue;
    done.add(`${line}:${code}`);
    const edit = suppressEdit(text, lines, line, code);
    if (edit) out.push({ title: `Suppress ${code} on this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: false, edit: { changes: { [uri]: [edit] } } });
  }
  return out;
}

function suppressEdit(text: string, lines: LineIndex, line: number, code: string): TextEdit | undefined {
  const start = lines.offsetAt({ line, character: 0 });
  const nl = text.indexOf('\n', start);
  const lineText = text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
  // A comment line has no rule to suppress, and text after it would stay part of the comment anyway.
  if (lineText.trim() === '' || lineText.trim().startsWith('#')) return undefined;
  const m = LIST.exec(lineText);
  if (m) return TextEdit.insert(lines.positionAt(start + m.index + m[0].length), `,${code}`);
  return TextEdit.insert(lines.positionAt(start + lineText.length), `${/\s$/.test(lineText) ? '' : ' '}#aa:lint ignore=${code}`);
}
