import type { TextEdit } from 'vscode-languageserver-types';
import type { BlockNode, FileNode, ProfileNode } from '../ast';
import { LineIndex } from '../diagnostics';
import { placeRules } from './placeRules';
import type { ProposedRule } from './proposeRules';
import { splitProfile } from './profileName';
import { findBlocks } from './ruleSet';
import { quoteWord } from './ruleText';

export interface InsertOptions {
  /** Create a missing innermost block as a hat (`^name`) rather than a child profile. */
  readonly hat?: boolean;
  /** One level of indentation where the file shows none to copy (default two spaces). */
  readonly indentUnit?: string;
}

/**
 * Edits that put rules into a profile's block (hat `^h`/`hat h`, or child `profile c`
 * inside its parent for `parent//c`), each after the block's last rule of its kind and
 * indented like it, at the block's end when it has none of that kind; rules the block
 * already holds are skipped. Missing blocks are created: a top-level profile at the end of
 * the file, a hat or child profile at the end of its parent.
 */
export function insertRules(text: string, ast: FileNode, profile: string, rules: readonly (string | ProposedRule)[], options: InsertOptions = {}): TextEdit[] {
  const parts = splitProfile(profile);
  const chain = findBlocks(ast, profile);
  const found = chain[chain.length - 1];
  const wanted = rules.map((r) => (typeof r === 'string' ? r : r.text));
  const fresh = found && chain.length === parts.length ? withoutPresent(text, found.body, wanted) : [...new Set(wanted)];
  if (fresh.length === 0 && chain.length === parts.length) return [];
  const lines = new LineIndex(text);
  const unit = options.indentUnit ?? indentUnitOf(text, ast);
  const missing = parts.slice(chain.length);
  if (!found) return [appendAtEnd(text, lines, nest(missing, fresh, '', unit, options.hat ?? false, true))];
  if (!found.body.closed) return [];
  const inner = innerIndent(text, found, unit);
  if (missing.length > 0) return [insertBeforeClose(text, lines, found, nest(missing, fresh, inner, unit, options.hat ?? false, false))];
  const { anchored, rest } = placeRules(text, found.body.items, fresh, found.body.end - 1);
  const edits = anchored.map((p) => insertLinesAt(lines, p.offset, p.rules.map((r) => p.indent + r)));
  const local = trailingLocalInclude(text, found);
  if (rest.length > 0) edits.push(local !== undefined ? insertLinesAt(lines, local, rest.map((r) => inner + r)) : insertBeforeClose(text, lines, found, rest.map((r) => inner + r)));
  return mergeSamePlace(edits);
}

/**
 * Edits that add rules to a fragment (a `local/` override, an abstraction): each after the
 * last top-level rule of its kind, else at the end of the file; rules it holds are skipped.
 */
export function insertIntoFragment(text: string, ast: FileNode, rules: readonly (string | ProposedRule)[]): TextEdit[] {
  const wanted = rules.map((r) => (typeof r === 'string' ? r : r.text));
  const present = new Set(ast.items.filter((i) => i.type === 'rule').map((i) => normalise(text.slice(i.start, i.end))));
  const fresh = [...new Set(wanted)].filter((r) => !present.has(normalise(r)));
  if (fresh.length === 0) return [];
  const lines = new LineIndex(text);
  const { anchored, rest } = placeRules(text, ast.items, fresh, text.length);
  const edits = anchored.map((p) => insertLinesAt(lines, p.offset, p.rules.map((r) => p.indent + r), text));
  if (rest.length > 0) edits.push(insertLinesAt(lines, text.length, rest, text));
  return mergeSamePlace(edits);
}

/**
 * Where a profile ends with its site overrides (`include if exists <local/NAME>`, on a line
 * of its own, as packaged profiles do), the start of that line: they stay last.
 */
function trailingLocalInclude(text: string, profile: ProfileNode): number | undefined {
  const last = profile.body.items[profile.body.items.length - 1];
  if (last?.type !== 'include' || !/^[<"]?local\//.test(last.path?.text ?? '')) return undefined;
  const lineStart = text.lastIndexOf('\n', last.start - 1) + 1;
  return text.slice(lineStart, last.start).trim() === '' ? lineStart : undefined;
}

/** New lines at the start of a line (or at the end of a text without its last newline). */
function insertLinesAt(lines: LineIndex, offset: number, newLines: readonly string[], text?: string): TextEdit {
  const at = lines.positionAt(offset);
  const lead = text !== undefined && offset === text.length && text !== '' && !text.endsWith('\n') ? '\n' : '';
  return { range: { start: at, end: at }, newText: lead + newLines.map((l) => `${l}\n`).join('') };
}

/** Two inserts at one place become one, in order: editors differ on the order of equal positions. */
function mergeSamePlace(edits: readonly TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.range.start.line === e.range.start.line && o.range.start.character === e.range.start.character && o.range.end.line === o.range.start.line && o.range.end.character === o.range.start.character);
    if (same) out[out.indexOf(same)] = { range: { start: same.range.start, end: e.range.end }, newText: same.newText + e.newText };
    else out.push(e);
  }
  return out;
}

/** Rules not already in the block, compared with blanks collapsed. */
function withoutPresent(text: string, block: BlockNode, rules: readonly string[]): string[] {
  const present = new Set(block.items.filter((i) => i.type === 'rule').map((i) => normalise(text.slice(i.start, i.end))));
  const out: string[] = [];
  for (const r of rules) {
    const key = normalise(r);
    if (!present.has(key)) out.push(r);
    present.add(key);
  }
  return out;
}

function normalise(rule: string): string {
  return rule.replace(/\s+/g, ' ').replace(/\s*,\s*$/, ',').trim();
}

/** Lines of nested blocks for the missing names, the rules in the innermost; a hat is never top-level. */
function nest(names: readonly string[], rules: readonly string[], indent: string, unit: string, hat: boolean, top: boolean): string[] {
  // Built in loops: a logged name may hold thousands of `//` levels.
  const heads: string[] = [];
  const tails: string[] = [];
  let at = indent;
  names.forEach((name, k) => {
    const last = k === names.length - 1;
    heads.push(at + (hat && (!top || k > 0) && last ? `^${quoteWord(name)} {` : `profile ${quoteWord(name)} {`));
    tails.push(`${at}}`);
    at += unit;
  });
  return [...heads, ...rules.map((r) => at + r), ...tails.reverse()];
}

function appendAtEnd(text: string, lines: LineIndex, blockLines: readonly string[]): TextEdit {
  const sep = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  const at = lines.positionAt(text.length);
  return { range: { start: at, end: at }, newText: `${sep}${blockLines.join('\n')}\n` };
}

/**
 * Before the block's `}`: at the start of its line when it stands alone, else on new
 * lines after the block's last text (the blanks before `}` replaced).
 */
function insertBeforeClose(text: string, lines: LineIndex, profile: ProfileNode, newLines: readonly string[]): TextEdit {
  const close = profile.body.end - 1;
  const lineStart = text.lastIndexOf('\n', close - 1) + 1;
  if (text.slice(lineStart, close).trim() === '') {
    const at = lines.positionAt(lineStart);
    return { range: { start: at, end: at }, newText: newLines.map((l) => `${l}\n`).join('') };
  }
  let from = close;
  while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  return { range: lines.rangeOf(from, close), newText: `\n${newLines.join('\n')}\n${lineIndent(text, profile.start)}` };
}

/** The indentation of the block's first rule on a line of its own, else the block's plus one unit. */
function innerIndent(text: string, profile: ProfileNode, unit: string): string {
  for (const item of profile.body.items) {
    const lineStart = text.lastIndexOf('\n', item.start - 1) + 1;
    const before = text.slice(lineStart, item.start);
    if (before.trim() === '') return before;
  }
  return lineIndent(text, profile.start) + unit;
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** The file's own indentation step: that of the first profile's first indented item. */
function indentUnitOf(text: string, ast: FileNode): string {
  const first = ast.items.find((i): i is ProfileNode => i.type === 'profile');
  if (!first) return '  ';
  const outer = lineIndent(text, first.start);
  const inner = first.body.items.length > 0 ? lineIndent(text, first.body.items[0]!.start) : '';
  return inner.length > outer.length && inner.startsWith(outer) ? inner.slice(outer.length) : '  ';
}
