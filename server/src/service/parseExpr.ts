import type { Expr, Span, Token } from './ast';
import { ParseState, STACK_COST } from './parseBase';
import { Ch } from './scanner';

const COMPARISONS = ['==', '!=', '>=', '<=', '>', '<'];

/**
 * Conditions of `if` blocks and boolean assignments. Precedence (5.0):
 * `or` < `and` < `not` < comparison/factor.
 */
export function parseExpr(p: ParseState): Expr | undefined {
  return parseOr(p);
}

/**
 * Past the nesting limit, the rest of the condition up to the `)` that closes the level it
 * began in (or its `{`): each level above then finds its own `)`, and nothing more is reported.
 */
export function skipDeepExpr(p: ParseState): void {
  const s = p.s;
  let open = 0;
  for (;;) {
    const c = s.code();
    if (c === -1 || c === Ch.LBrace || c === Ch.RBrace || c === Ch.Comma || (c === Ch.RParen && open === 0)) return;
    if (c === Ch.LParen) open++;
    else if (c === Ch.RParen) open--;
    // A variable's braces are part of its name.
    const close = (c === Ch.Dollar || c === Ch.At) && s.code(s.pos + 1) === Ch.LBrace ? s.text.indexOf('}', s.pos) : -1;
    s.advance(close > 0 ? close + 1 - s.pos : 1);
  }
}

function parseOr(p: ParseState): Expr | undefined {
  let left = parseAnd(p);
  while (left && p.peekWord('cond') === 'or') {
    const op = p.nextWord('cond');
    const right = parseAnd(p);
    if (!right) { p.error('expected-expression', op); return left; }
    left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
  }
  return left;
}

function parseAnd(p: ParseState): Expr | undefined {
  let left = parseNot(p);
  while (left && p.peekWord('cond') === 'and') {
    const op = p.nextWord('cond');
    const right = parseNot(p);
    if (!right) { p.error('expected-expression', op); return left; }
    left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
  }
  return left;
}

/** A run of `not`s, read in a loop: apparmor_parser takes thousands in a row (parseBase.ts). */
function parseNot(p: ParseState): Expr | undefined {
  const ops: Token[] = [];
  while (p.peekWord('cond') === 'not') {
    const op = p.nextWord('cond');
    if (p.overflows(STACK_COST.condition + ops.length + STACK_COST.not)) {
      p.tooDeep(op);
      skipDeepExpr(p);
      return undefined;
    }
    ops.push(op);
  }
  const errorsBefore = p.errors.length;
  let e = parseComparison(p);
  const last = ops[ops.length - 1];
  // A missing operand is one mistake, reported where it is, not again by each `not` above it.
  if (!e && last && p.errors.length === errorsBefore) p.error('expected-expression', last);
  if (!e) return undefined;
  for (let i = ops.length - 1; i >= 0; i--) e = { kind: 'not', op: ops[i]!, operand: e, start: ops[i]!.start, end: e.end };
  return e;
}

function parseComparison(p: ParseState): Expr | undefined {
  const left = parseFactor(p);
  if (!left || left.kind !== 'term') return left;
  const s = p.s;
  s.skipTrivia();
  let op: Token | undefined;
  const cmp = COMPARISONS.find((c) => s.startsWith(c));
  if (cmp) op = s.take(cmp.length);
  else if (p.peekWord('cond') === 'in') op = p.nextWord('cond');
  if (!op) return left;
  const right = parseFactor(p);
  if (!right) { p.error('expected-expression', op); return left; }
  // apparmor_parser 5.0 compares words and set variables only (its id_or_var).
  for (const side of [left, right]) if (side.kind === 'term' && side.token.text.startsWith('$')) p.error('bool-compared', side, { name: side.token.text });
  return { kind: 'binary', op, left, right, start: left.start, end: right.end };
}

function parseFactor(p: ParseState): Expr | undefined {
  const s = p.s;
  s.skipTrivia();
  const c = s.code();
  if (c === Ch.LParen) {
    const open = s.skip(1);
    const inner = parseParenthesised(p, open);
    s.skipTrivia();
    if (s.code() === Ch.RParen) s.advance(1);
    else p.error('unclosed-paren', open);
    if (!inner) return undefined;
    return { kind: 'paren', inner, start: open.start, end: s.lastEnd };
  }
  if (c === -1 || c === Ch.LBrace || c === Ch.RBrace || c === Ch.RParen || c === Ch.Comma) return undefined;
  if (p.peekWord('cond') === 'defined') {
    const op = p.nextWord('cond');
    s.skipTrivia();
    const variable = /^[@$]/.test(String.fromCharCode(s.code())) ? scanTerm(p) : undefined;
    if (!variable) p.error('defined-needs-variable', op);
    return { kind: 'defined', op, variable, start: op.start, end: variable ? variable.end : op.end };
  }
  const token = c === Ch.Quote ? p.quoted() : scanTerm(p);
  if (!token) return undefined;
  return { kind: 'term', token, start: token.start, end: token.end };
}

/** What is inside parentheses; past MAX_PARENS levels, one too-deep and skipped to the `)`. */
function parseParenthesised(p: ParseState, open: Span): Expr | undefined {
  if (p.parens >= ParseState.MAX_PARENS) {
    p.tooDeep(open, `more than ${ParseState.MAX_PARENS} levels of parentheses`);
    skipDeepExpr(p);
    return undefined;
  }
  p.parens++;
  try {
    return parseExpr(p);
  } finally {
    p.parens--;
  }
}

/** A word in a condition; comparison operators end it even without blanks. */
function scanTerm(p: ParseState): Token | undefined {
  const s = p.s;
  const start = s.pos;
  const w = s.scanWord('cond');
  if (!w) return undefined;
  // A boolean variable ends at its `}`: apparmor_parser reads `${B}{` as the variable and a `{`.
  const cut = w.text.startsWith('${') ? w.text.indexOf('}') + 1 || -1 : w.text.search(/[<>!]/);
  if (cut > 0 && cut < w.text.length) {
    s.pos = start + cut;
    return s.finish(start, false);
  }
  return w;
}
