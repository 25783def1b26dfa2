import type { FileNode, Span } from '../ast';
import { tokenAt } from './tokenAt';
import { variableRefs } from '../fileFacts';
import { walkItems } from '../walk';

/** A name the user can navigate: a variable or a profile. */
export type SymbolRef =
  | { readonly kind: 'variable'; readonly sigil: '@' | '$'; readonly name: string; readonly span: Span }
  | { readonly kind: 'profile'; readonly name: string; readonly span: Span }
  | { readonly kind: 'include'; readonly name: string; readonly span: Span };

/** The variable, profile name or include under `offset`. */
export function symbolAt(ast: FileNode, text: string, offset: number): SymbolRef | undefined {
  for (const item of ast.items) {
    if (item.type === 'variable' && item.name.start <= offset && offset <= item.name.end) {
      return { kind: 'variable', sigil: item.sigil, name: item.name.value, span: item.name };
    }
  }
  const hit = tokenAt(ast, offset);
  if (hit?.role === 'include') return { kind: 'include', name: hit.token.value, span: hit.token };
  // Variables inside any word: find the reference around the offset in the raw text.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  const ref = variableRefs(line, lineStart).find((r) => r.start <= offset && offset <= r.end);
  if (ref) return { kind: 'variable', sigil: ref.sigil, name: ref.name, span: { start: ref.start, end: ref.end } };
  if (hit && (hit.role === 'profileName' || hit.role === 'target' || (hit.role === 'condValue' && hit.item.type === 'rule'))) {
    return { kind: 'profile', name: hit.token.value.replace(/^.*\/\//, ''), span: hit.token };
  }
  return undefined;
}

/** Every place in the file that names the symbol: definitions and uses. */
export function occurrences(ast: FileNode, text: string, ref: SymbolRef): Span[] {
  const out: Span[] = [];
  if (ref.kind === 'variable') {
    const needle = `${ref.sigil}{${ref.name}}`;
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      if (!inComment(ast, i)) out.push({ start: i + 2, end: i + 2 + ref.name.length });
    }
    // Brace-less declarations (`@V = …`) are not found by the text search.
    for (const item of ast.items) {
      if (item.type === 'variable' && item.name.value === ref.name && item.sigil === ref.sigil && !out.some((s) => s.start === item.name.start)) {
        out.push({ start: item.name.start, end: item.name.end });
      }
    }
  } else if (ref.kind === 'profile') {
    walkItems(ast.items, (item) => {
      if (item.type === 'profile' && item.name?.value === ref.name) out.push(item.name);
      if (item.type === 'rule' && 'target' in item && item.target && item.target.value.replace(/^.*\/\//, '') === ref.name && item.kind !== 'link') {
        const t = item.target;
        out.push({ start: t.end - ref.name.length, end: t.end });
      }
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

function inComment(ast: FileNode, offset: number): boolean {
  return ast.comments.some((c) => c.start <= offset && offset < c.end);
}
