import type { FileNode, Token } from '../ast';
import type { LineIndex } from '../diagnostics';
import { variableRefs } from '../fileFacts';
import { walkItems } from '../walk';

/** The legend the server announces; indexes below refer to it. */
export const SEMANTIC_LEGEND = {
  tokenTypes: ['variable', 'class', 'operator', 'keyword', 'enumMember'],
  tokenModifiers: ['declaration', 'defaultLibrary'],
} as const;

const VARIABLE = 0;
const PROFILE = 1;
const MODE = 2;
const KEYWORD = 3;
const CONSTANT = 4;
const DECLARATION = 1;

/** Variables, profile names, permission modes, rule keywords and capability names, LSP-encoded. */
export function getSemanticTokens(ast: FileNode, lines: LineIndex): number[] {
  const spans: [number, number, number, number][] = [];
  const add = (start: number, end: number, type: number, mods = 0): void => { spans.push([start, end, type, mods]); };
  const vars = (t: Token | undefined): void => {
    if (!t || t.text.indexOf('{') < 0) return;
    for (const ref of variableRefs(t.text, t.start)) add(ref.start, ref.end, VARIABLE);
  };
  walkItems(ast.items, (item) => {
    switch (item.type) {
      case 'variable':
        add(item.start, item.name.end + 1, VARIABLE, DECLARATION);
        item.values.forEach(vars);
        break;
      case 'profile':
        if (item.keyword) add(item.keyword.start, item.keyword.end, KEYWORD);
        if (item.name) add(item.name.start, item.name.end, PROFILE, DECLARATION);
        vars(item.attachment);
        break;
      case 'rule':
        if (item.keyword) add(item.keyword.start, item.keyword.end, KEYWORD);
        if (item.kind === 'file') {
          vars(item.path);
          if (item.perms) add(item.perms.start, item.perms.end, MODE);
          if (item.target) add(item.target.start, item.target.end, PROFILE);
        } else if (item.kind === 'link') {
          vars(item.path);
          vars(item.target);
        } else if (item.kind !== 'rlimit') {
          for (const w of item.words) {
            if (item.kind === 'capability') add(w.start, w.end, CONSTANT, 2);
            else vars(w);
          }
          for (const c of item.conds) c.values.forEach(vars);
        }
        break;
    }
  });
  return encode(spans.sort((a, b) => a[0] - b[0]), lines);
}

/** LSP's relative encoding: line delta, start delta, length, type, modifiers. */
function encode(spans: [number, number, number, number][], lines: LineIndex): number[] {
  const data: number[] = [];
  let line = 0;
  let char = 0;
  for (const [start, end, type, mods] of spans) {
    const p = lines.positionAt(start);
    const q = lines.positionAt(end);
    if (q.line !== p.line) continue; // tokens may not span lines
    data.push(p.line - line, p.line === line ? p.character - char : p.character, q.character - p.character, type, mods);
    line = p.line;
    char = p.character;
  }
  return data;
}
