import type { Expr, Token } from './ast';
import { ParserBase } from './parseBase';

const COMPARISONS = ['==', '!=', '>=', '<=', '>', '<'];

/**
 * Conditions of `if` blocks and boolean assignments. Precedence (5.0):
 * `or` < `and` < `not` < comparison/factor.
 */
export class ExprParser extends ParserBase {
  protected parseExpr(): Expr | undefined {
    if (this.depth >= ParserBase.MAX_DEPTH) {
      this.error('too-deep', this.peekSpan());
      return undefined;
    }
    this.depth++;
    try {
      return this.parseOr();
    } finally {
      this.depth--;
    }
  }

  private parseOr(): Expr | undefined {
    let left = this.parseAnd();
    while (left && this.peekWord('cond') === 'or') {
      const op = this.nextWord('cond');
      const right = this.parseAnd();
      if (!right) { this.error('expected-expression', op); return left; }
      left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseAnd(): Expr | undefined {
    let left = this.parseNot();
    while (left && this.peekWord('cond') === 'and') {
      const op = this.nextWord('cond');
      const right = this.parseNot();
      if (!right) { this.error('expected-expression', op); return left; }
      left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseNot(): Expr | undefined {
    if (this.peekWord('cond') === 'not') {
      const op = this.nextWord('cond');
      if (this.depth >= ParserBase.MAX_DEPTH) {
        this.error('too-deep', op);
        return undefined;
      }
      this.depth++;
      let operand: Expr | undefined;
      try {
        operand = this.parseNot();
      } finally {
        this.depth--;
      }
      if (!operand) { this.error('expected-expression', op); return undefined; }
      return { kind: 'not', op, operand, start: op.start, end: operand.end };
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr | undefined {
    const left = this.parseFactor();
    if (!left || left.kind !== 'term') return left;
    const s = this.s;
    s.skipTrivia();
    let op: Token | undefined;
    const cmp = COMPARISONS.find((c) => s.startsWith(c));
    if (cmp) op = s.take(cmp.length);
    else if (this.peekWord('cond') === 'in') op = this.nextWord('cond');
    if (!op) return left;
    const right = this.parseFactor();
    if (!right) { this.error('expected-expression', op); return left; }
    return { kind: 'binary', op, left, right, start: left.start, end: right.end };
  }

  private parseFactor(): Expr | undefined {
    const s = this.s;
    s.skipTrivia();
    const c = s.code();
    if (c === 0x28 /* ( */) {
      const open = s.skip(1);
      const inner = this.parseExpr();
      s.skipTrivia();
      if (s.code() === 0x29) s.advance(1);
      else this.error('unclosed-paren', open);
      if (!inner) return undefined;
      return { kind: 'paren', inner, start: open.start, end: s.lastEnd };
    }
    if (c === -1 || c === 0x7b || c === 0x7d || c === 0x29 || c === 0x2c) return undefined;
    if (this.peekWord('cond') === 'defined') {
      const op = this.nextWord('cond');
      s.skipTrivia();
      const variable = /^[@$]/.test(String.fromCharCode(s.code())) ? s.scanWord('cond') : undefined;
      if (!variable) this.error('defined-needs-variable', op);
      return { kind: 'defined', op, variable, start: op.start, end: variable ? variable.end : op.end };
    }
    const token = c === 0x22 ? this.quoted() : this.scanTerm();
    if (!token) return undefined;
    return { kind: 'term', token, start: token.start, end: token.end };
  }

  /** A word in a condition; comparison operators end it even without blanks. */
  private scanTerm(): Token | undefined {
    const s = this.s;
    const start = s.pos;
    const w = s.scanWord('cond');
    if (!w) return undefined;
    const cut = w.text.search(/[<>!]/);
    if (cut > 0) {
      s.pos = start + cut;
      return s.finish(start, false);
    }
    return w;
  }
}
