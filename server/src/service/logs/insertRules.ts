import type { TextEdit } from 'vscode-languageserver-types';
import type { BlockNode, FileNode, ProfileNode } from '../ast';
import { LineIndex } from '../diagnostics';
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
 * Edits that put rules at the end of a profile's block (hat `^h`/`hat h`, or child
 * `profile c` inside its parent for `parent//c`), indented like the block's rules,
 * skipping rules the block already holds. Missing blocks are created: a top-level
 * profile at the end of the file, a hat or child profile at the end of its parent.
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
  const newLines = missing.length > 0 ? nest(missing, fresh, inner, unit, options.hat ?? false, false) : fresh.map((r) => inner + r);
  return [insertBeforeClose(text, lines, found, newLines)];
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
  const [name, ...rest] = names;
  if (name === undefined) return rules.map((r) => indent + r);
  const head = hat && !top && rest.length === 0 ? `^${quoteWord(name)} {` : `profile ${quoteWord(name)} {`;
  return [indent + head, ...nest(rest, rules, indent + unit, unit, hat, false), `${indent}}`];
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
