import { descend, runDeep, type Deep } from '../deep';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { BlockNode, BodyItem, FileNode, RuleNode, Span, TopItem } from '../ast';
import { LineIndex } from '../diagnostics';
import { parse } from '../parser';
import { orderPerms } from '../permOrder';
import { ifBlocks } from '../walk';

export interface FormatOptions {
  /** Spaces per nesting level. */
  readonly tabSize: number;
  readonly insertSpaces: boolean;
  /** Rewrite the legacy `#include` as `include`. */
  readonly modernIncludes?: boolean;
  /** Put permission letters in the order m r w a l k (exec transition last). */
  readonly sortPermissions?: boolean;
  /**
   * Blanks inside a line: `keep` them as written (aligned columns stay), `single` spaces
   * between words, or `columns`: single spaces, then the permissions of consecutive file
   * rules aligned in one column.
   */
  readonly spacing?: Spacing;
}

export type Spacing = 'keep' | 'single' | 'columns';

/**
 * Formats a whole file: indentation by nesting, one rule per line, whitespace-only lines
 * emptied and trailing blanks dropped, comments kept where they are. By default nothing else
 * changes; the options add single spacing or aligned columns, permission letters in one
 * order and modern includes. A file with syntax errors is left alone: guessing there could
 * change its meaning.
 */
export function formatText(text: string, options: FormatOptions, fragment = false): string {
  const { ast, errors } = parse(text, { fragment });
  if (errors.length > 0) return text;
  const spaced = applyEdits(text, spacingEdits(text, ast, options));
  const reparsed = parse(spaced, { fragment });
  if (reparsed.errors.length > 0) return text;
  const indented = indent(spaced, reparsed.ast, options);
  return options.spacing === 'columns' ? alignColumns(indented, fragment) : indented;
}

export function formatDocument(text: string, lines: LineIndex, options: FormatOptions, fragment = false): TextEdit[] {
  const out = formatText(text, options, fragment);
  if (out === text) return [];
  return [{ range: lines.rangeOf(0, text.length), newText: out }];
}

/**
 * Formats the lines a range touches. Where formatting keeps the line structure, only
 * those lines change; where it splits lines (several rules on one), the lines of the
 * range are replaced by their formatted counterparts as long as they map one to one,
 * else nothing is done rather than touching text outside the range.
 */
export function formatRange(text: string, lines: LineIndex, range: Range, options: FormatOptions, fragment = false): TextEdit[] {
  const out = formatText(text, options, fragment);
  if (out === text) return [];
  const before = text.split('\n');
  const after = out.split('\n');
  if (before.length !== after.length) return [];
  const edits: TextEdit[] = [];
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  for (let i = range.start.line; i <= Math.min(last, before.length - 1); i++) {
    if (before[i] !== after[i]) {
      const start = lines.offsetAt({ line: i, character: 0 });
      edits.push({ range: lines.rangeOf(start, start + before[i]!.length), newText: after[i]! });
    }
  }
  return edits;
}

interface Edit { start: number; end: number; text: string }

function applyEdits(text: string, edits: Edit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Single spaces inside rules, canonical permissions, and a line of its own for each item. */
function spacingEdits(text: string, ast: FileNode, options: FormatOptions): Edit[] {
  const edits: Edit[] = [];
  // Quoted strings and comments are kept exactly as written.
  const quoted = [...quotedSpans(ast, text), ...ast.comments].sort((a, b) => a.start - b.start);
  // Generators run on an explicit stack (deep.ts): blocks nest thousands deep.
  const visitBlock = function* (items: readonly (TopItem | BodyItem)[], block?: BlockNode): Deep<void> {
    let prevEnd = block ? block.start + 1 : -1;
    for (const item of items) {
      if (prevEnd >= 0 && sameLine(text, prevEnd, item.start) && !commentBetween(ast, prevEnd, item.start)) {
        edits.push({ start: prevEnd, end: item.start, text: '\n' });
      }
      prevEnd = item.end;
      const single = options.spacing === 'single' || options.spacing === 'columns';
      if (item.type === 'rule') ruleEdits(text, item, quoted, edits, single, options.sortPermissions ?? false);
      if (item.type === 'profile' && single) collapseBlanks(text, { start: item.start, end: item.body.start }, quoted, edits);
      if (item.type === 'include' && options.modernIncludes && item.legacy) edits.push({ start: item.keyword.start, end: item.keyword.end, text: 'include' });
      for (const child of childBlocks(item)) yield* descend(visitBlock(child.items, child));
    }
    if (block && block.closed) {
      const close = block.end - 1;
      if (items.length > 0 && sameLine(text, prevEnd, close)) edits.push({ start: prevEnd, end: close, text: '\n' });
    }
  };
  runDeep(visitBlock(ast.items));
  return edits;
}

function childBlocks(item: TopItem | BodyItem): BlockNode[] {
  if (item.type === 'profile' || item.type === 'qualifierBlock') return [item.body];
  if (item.type === 'if') return ifBlocks(item);
  return [];
}

function ruleEdits(text: string, rule: RuleNode, quoted: Span[], edits: Edit[], single: boolean, sortPermissions: boolean): void {
  if (single) collapseBlanks(text, rule, quoted, edits, rule.comma?.start);
  if (sortPermissions && rule.kind === 'file' && rule.perms) {
    const canonical = orderPerms(rule.perms.text);
    if (canonical !== rule.perms.text) edits.push({ start: rule.perms.start, end: rule.perms.end, text: canonical });
  }
}

/** Runs of blanks inside `span` become one space, and none is left before `commaAt`. */
function collapseBlanks(text: string, span: Span, quoted: Span[], edits: Edit[], commaAt?: number): void {
  const re = /[ \t]+/g;
  const body = text.slice(span.start, span.end);
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const start = span.start + m.index;
    const end = start + m[0].length;
    if (text[start - 1] === '\n' || spanAt(quoted, start)) continue;
    const want = end === commaAt ? '' : ' ';
    if (m[0] !== want) edits.push({ start, end, text: want });
  }
}

/** Re-indents each line by its nesting; lines inside strings and value continuations keep their text. */
function indent(text: string, ast: FileNode, options: FormatOptions): string {
  const unit = options.insertSpaces ? ' '.repeat(options.tabSize) : '\t';
  const blocks: Span[] = [];
  const continued: Span[] = [];
  const visit = function* (items: readonly (TopItem | BodyItem)[]): Deep<void> {
    for (const item of items) {
      const children = childBlocks(item);
      for (const b of children) {
        blocks.push(b);
        yield* descend(visit(b.items));
      }
      if (children.length === 0 && item.type !== 'variable') continued.push(item);
    }
  };
  runDeep(visit(ast.items));
  const quoted = quotedSpans(ast, text);
  const variables = ast.items.filter((i) => i.type === 'variable');
  // Blocks open at a line, innermost last: lines come in order, and blocks in the order they
  // open, so a block is dropped once a line starts at its closing brace or after it. Blocks
  // nest, so those still open are the ones on the stack (a scan of it per line was
  // quadratic in the depth).
  const open: Span[] = [];
  let next = 0;
  const lines = text.split('\n');
  let offset = 0;
  const out = lines.map((line) => {
    const start = offset;
    offset += line.length + 1;
    if (inside(quoted, start) || inside(variables, start)) return line;
    const trimmed = line.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
    if (trimmed === '') return '';
    const first = start + (line.length - line.replace(/^[ \t]+/, '').length);
    while (next < blocks.length && blocks[next]!.start < first) {
      const b = blocks[next++]!;
      // Blocks that ended before this one began do not hold it.
      while (open.length > 0 && open[open.length - 1]!.end <= b.start) open.pop();
      open.push(b);
    }
    while (open.length > 0 && first >= open[open.length - 1]!.end - 1) open.pop();
    let depth = open.length;
    if (inside(continued, first)) depth += 2;
    return unit.repeat(depth) + trimmed;
  });
  return out.join('\n');
}

/** Quoted strings outside comments: their insides are never touched. */
function quotedSpans(ast: FileNode, text: string): Span[] {
  const out: Span[] = [];
  let c = 0;
  for (let i = 0; i < text.length; i++) {
    while (c < ast.comments.length && ast.comments[c]!.end <= i) c++;
    const comment = ast.comments[c];
    if (comment && comment.start <= i) {
      i = comment.end - 1;
      continue;
    }
    if (text[i] === '\\') { i++; continue; }
    if (text[i] !== '"') continue;
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    out.push({ start: i, end: j + 1 });
    i = j;
  }
  return out;
}

function sameLine(text: string, a: number, b: number): boolean {
  const nl = text.indexOf('\n', a);
  return nl < 0 || nl >= b;
}

function commentBetween(ast: FileNode, a: number, b: number): boolean {
  const next = ast.comments[startingBefore(ast.comments, a)];
  return next !== undefined && next.start < b;
}

// Span lists below are in order and do not overlap, and are searched by halving: a scan
// per line or per blank made formatting quadratic in the size of the file.

/** The span holding `pos` (its start included). */
function spanAt(spans: readonly Span[], pos: number): Span | undefined {
  const s = spans[startingBefore(spans, pos + 1) - 1];
  return s && pos < s.end ? s : undefined;
}

/** Whether `pos` lies inside a span, after its first character. */
function inside(spans: readonly Span[], pos: number): boolean {
  const s = spanAt(spans, pos);
  return s !== undefined && s.start < pos;
}

/** How many of `spans` start before `pos`. */
function startingBefore(spans: readonly Span[], pos: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A file rule alone on its line, path then permissions: where its permissions could move to. */
interface Alignable { line: number; pathEnd: number; permsStart: number; column: number }

/** Aligns the permissions of consecutive one-line file rules of a block in one column. */
function alignColumns(text: string, fragment: boolean): string {
  const { ast, errors } = parse(text, { fragment });
  if (errors.length > 0) return text;
  const lines = new LineIndex(text);
  const edits: Edit[] = [];
  const flush = (run: Alignable[]): void => {
    if (run.length < 2) return;
    const column = Math.max(...run.map((r) => r.column)) + 1;
    for (const r of run) edits.push({ start: r.pathEnd, end: r.permsStart, text: ' '.repeat(column - r.column) });
  };
  const visit = function* (items: readonly (TopItem | BodyItem)[]): Deep<void> {
    let run: Alignable[] = [];
    for (const item of items) {
      const a = alignable(text, lines, item);
      if (!a || (run.length > 0 && a.line !== run[run.length - 1]!.line + 1)) {
        flush(run);
        run = [];
      }
      if (a) run.push(a);
      for (const child of childBlocks(item)) yield* descend(visit(child.items));
    }
    flush(run);
  };
  runDeep(visit(ast.items));
  return applyEdits(text, edits);
}

function alignable(text: string, lines: LineIndex, item: TopItem | BodyItem): Alignable | undefined {
  if (item.type !== 'rule' || item.kind !== 'file' || !item.path || !item.perms || item.permsFirst) return undefined;
  const { line } = lines.positionAt(item.start);
  if (line !== lines.positionAt(item.end - 1).line || !/^[ \t]+$/.test(text.slice(item.path.end, item.perms.start))) return undefined;
  return { line, pathEnd: item.path.end, permsStart: item.perms.start, column: lines.positionAt(item.path.end).character };
}
