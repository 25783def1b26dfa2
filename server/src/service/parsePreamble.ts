import type { AbiNode, AliasNode, AssignOp, IncludeNode, Token, TopItem, VariableNode } from './ast';
import { ParseState } from './parseBase';
import { parseExpr } from './parseExpr';
import { Ch } from './scanner';

// What may open a file: include, abi, alias and variable assignments.

/**
 * `@{NAME} = …`, also the brace-less `@NAME=` and `$NAME=` the lexer accepts. `:=` needs a
 * blank before it: `@{V}:=x` is read by apparmor_parser as one path word.
 */
const ASSIGNMENT = /([@$])(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))(?:[ \t]*(\+=|\?=|=)|[ \t]+(:=))/y;
const GLUED_COLON_ASSIGNMENT = /([@$])\{([A-Za-z_][A-Za-z0-9_]*)\}:=/y;

/** Items that may open a file; `null` when the next item is none of them. */
export function parsePreambleItem(p: ParseState, topLevel: boolean): TopItem | undefined | null {
  const s = p.s;
  if (p.atInclude()) return parseInclude(p);
  const first = s.code();
  if (first === Ch.At || first === Ch.Dollar) return parseAssignment(p, topLevel);
  if (first !== Ch.LowerA && first !== Ch.LowerR) return null;
  if (/^abi[\s<"]/.test(s.text.slice(s.pos, s.pos + 4))) return parseAbi(p);
  const word = p.peekWord();
  if (word === 'alias' || word === 'rewrite') {
    const node = parseAlias(p);
    if (!topLevel) p.error('alias-in-profile', node);
    return node;
  }
  return null;
}

/** A variable assignment, or null when the `@{…}` starts a rule instead. */
function parseAssignment(p: ParseState, topLevel: boolean): VariableNode | null {
  const s = p.s;
  ASSIGNMENT.lastIndex = s.pos;
  const m = ASSIGNMENT.exec(s.text);
  GLUED_COLON_ASSIGNMENT.lastIndex = s.pos;
  // Read once, with its parts: `${B}:=` once crashed a second reading that knew only '@'.
  const glued = m ? null : GLUED_COLON_ASSIGNMENT.exec(s.text);
  if (glued) {
    const node = parseVariable(p, { sigil: glued[1] as '@' | '$', id: glued[2]!, braced: true, op: ':=', length: glued[0].length });
    p.error('colon-assign-space', node.opSpan);
    return node;
  }
  if (m) {
    const node = parseVariable(p, {
      sigil: m[1] as '@' | '$', id: (m[2] ?? m[3])!, braced: m[2] !== undefined, op: (m[4] ?? m[5]) as AssignOp, length: m[0].length,
    });
    if (!topLevel) p.error('assignment-in-profile', node);
    return node;
  }
  return null;
}

function parseInclude(p: ParseState): IncludeNode {
  const s = p.s;
  const start = s.pos;
  const legacy = s.code() === Ch.Hash;
  const keyword = s.take(legacy ? 8 : 7);
  skipInline(p);
  let ifExists = false;
  if (p.peekWord() === 'if') {
    const save = s.pos;
    s.scanWord('path');
    skipInline(p);
    if (p.peekWord() === 'exists') {
      s.scanWord('path');
      ifExists = true;
      skipInline(p);
    } else s.pos = save;
  }
  const { path, angle } = parseIncludeTarget(p);
  const node: IncludeNode = { type: 'include', start, end: s.lastEnd, keyword, legacy, ifExists, angle, path };
  if (!path) p.error('include-missing-name', keyword);
  skipInline(p);
  if (s.code() === Ch.Comma) p.error('include-comma', s.skip(1));
  return node;
}

/** The `<…>`, `"…"` or bare name after `include` or `abi`. */
function parseIncludeTarget(p: ParseState): { path?: Token; angle: boolean } {
  const s = p.s;
  const c = s.code();
  if (c === Ch.Lt) {
    const start = s.pos;
    let i = start + 1;
    while (i < s.text.length && s.text[i] !== '>' && s.text[i] !== '\n') i++;
    if (s.text[i] !== '>') {
      s.pos = i;
      const tok = s.finish(start, false);
      p.error('include-unclosed', tok);
      return { path: { ...tok, value: tok.text.slice(1).trim() }, angle: true };
    }
    s.pos = i + 1;
    const tok = s.finish(start, false);
    let inner = tok.text.slice(1, -1).trim();
    if (inner.startsWith('"') && inner.endsWith('"') && inner.length >= 2) inner = inner.slice(1, -1);
    if (inner.includes('"')) p.error('include-bad-char', tok);
    return { path: { ...tok, value: inner }, angle: true };
  }
  if (c === Ch.Quote) return { path: p.quoted(), angle: false };
  if (c === -1 || c === Ch.LF || c === Ch.Comma) return { angle: false };
  return { path: s.scanWord('cond'), angle: false };
}

function parseAbi(p: ParseState): AbiNode {
  const s = p.s;
  const start = s.pos;
  const keyword = s.take(3);
  s.skipTrivia();
  const errors = p.errors.length;
  const { path, angle } = parseIncludeTarget(p);
  if (!path) p.error('abi-missing-name', keyword);
  const comma = p.errors.length === errors ? p.expectComma() : p.finishBrokenRule();
  return { type: 'abi', start, end: comma ? comma.end : s.lastEnd, keyword, angle, path };
}

function parseAlias(p: ParseState): AliasNode {
  const s = p.s;
  const start = s.pos;
  const keyword = p.nextWord('path');
  s.skipTrivia();
  const from = p.wordOrQuoted('cond');
  s.skipTrivia();
  let to: Token | undefined;
  if (s.isArrow()) {
    s.skip(2);
    s.skipTrivia();
    to = p.wordOrQuoted('cond');
  } else p.error('alias-missing-arrow', from ?? keyword);
  const comma = p.expectComma();
  return { type: 'alias', start, end: comma ? comma.end : s.lastEnd, keyword, from, to };
}

function parseVariable(p: ParseState, head: { sigil: '@' | '$'; id: string; braced: boolean; op: AssignOp; length: number }): VariableNode {
  const s = p.s;
  const start = s.pos;
  const { sigil, id, op } = head;
  const nameStart = start + (head.braced ? 2 : 1);
  const name: Token = { start: nameStart, end: nameStart + id.length, text: id, value: id, quoted: false };
  const opStart = start + head.length - op.length;
  s.pos = start + head.length;
  s.lastEnd = s.pos;
  const values: Token[] = [];
  if (sigil === '$' && op === '=') {
    const expr = parseBoolValue(p);
    if (expr) return { type: 'variable', start, end: s.lastEnd, sigil, name, op, opSpan: { start: opStart, end: opStart + op.length }, values, expr };
  }
  readValues(p, values);
  if (values.length === 0) p.error('variable-no-value', { start, end: s.pos });
  for (const v of values) {
    if (!v.quoted && v.text.endsWith(',')) p.error('variable-trailing-comma', v);
  }
  return { type: 'variable', start, end: s.lastEnd, sigil, name, op, opSpan: { start: opStart, end: opStart + op.length }, values };
}

/** A boolean variable's value: `true`/`false`, or (5.0) an expression. */
function parseBoolValue(p: ParseState): VariableNode['expr'] {
  const s = p.s;
  skipInline(p);
  const save = s.pos;
  const w = s.scanWord('cond');
  if (w && /^(true|false)$/i.test(w.text)) {
    skipInline(p);
    if (s.code() === Ch.LF || s.code() === Ch.CR || s.code() === -1 || s.code() === Ch.Hash) {
      return { kind: 'term', token: w, start: w.start, end: w.end };
    }
  }
  s.pos = save;
  return parseExpr(p);
}

/** Whitespace-separated values to the end of the line; `\` continues it. */
function readValues(p: ParseState, out: Token[]): void {
  const s = p.s;
  const text = s.text;
  let last = -1;
  for (;;) {
    if (s.pos <= last) p.stalled('variable value', last);
    last = s.pos;
    const c = s.code();
    if (c === Ch.Space || c === Ch.Tab || c === Ch.CR) { s.pos++; continue; }
    if (c === Ch.Backslash && /^\\[ \t]*\r?\n/.test(text.slice(s.pos, s.pos + 8))) {
      s.pos = text.indexOf('\n', s.pos) + 1;
      continue;
    }
    if (c === -1 || c === Ch.LF) return;
    if (c === Ch.Hash) { s.skipTrivia(); return; }
    if (c === Ch.Quote) { out.push(p.quoted()); continue; }
    out.push(scanValue(p));
  }
}

/**
 * One unquoted value. It ends only where readValues skips or stops (a blank, a line break,
 * a quote), so each value holds at least the character that started it: a value that ended
 * at any other character (such as a no-break space, which JavaScript's \s matches) would be
 * empty, and the loop would read it forever.
 */
function scanValue(p: ParseState): Token {
  const s = p.s;
  const text = s.text;
  const start = s.pos;
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === Ch.Space || c === Ch.Tab || c === Ch.LF || c === Ch.CR || c === Ch.Quote) break;
    if (c === Ch.Backslash && i + 1 < text.length && text.charCodeAt(i + 1) !== Ch.LF) i++;
  }
  s.pos = Math.min(i, text.length);
  return s.finish(start, false);
}

function skipInline(p: ParseState): void {
  const s = p.s;
  while (s.code() === Ch.Space || s.code() === Ch.Tab) s.pos++;
}
