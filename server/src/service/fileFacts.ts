import type { BodyItem, Expr, IncludeNode, Span, Token, TopItem } from './ast';
import { parsePerms } from './checks/checkFileRule';
import { forEachExpr, ifBlocks, walkItems } from './walk';

/** A variable reference such as `@{HOME}` or `${B}` at a place in a file. */
export interface VariableUse extends Span {
  readonly sigil: '@' | '$';
  readonly name: string;
}

/** An allow rule that grants execution, keyed for the merge check. */
export interface ExecRule extends Span {
  readonly key: string;
  readonly path: string;
  readonly mode: string;
}

const VAR_REF = /([@$])\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function usesIn(token: Token | undefined, out: VariableUse[]): void {
  if (!token || token.text.indexOf('{') < 0) return;
  VAR_REF.lastIndex = 0;
  for (let m = VAR_REF.exec(token.text); m; m = VAR_REF.exec(token.text)) {
    const start = token.start + m.index;
    out.push({ sigil: m[1] as '@' | '$', name: m[2]!, start, end: start + m[0].length });
  }
}

function exprUses(expr: Expr | undefined, out: VariableUse[]): void {
  forEachExpr(expr, (e) => {
    if (e.kind === 'term') usesIn(e.token, out);
  });
}

/** Every variable a file's rules and headers refer to (not `defined` tests, not assignments' values). */
export function collectUses(items: readonly (TopItem | BodyItem)[]): VariableUse[] {
  const out: VariableUse[] = [];
  walkItems(items, (item) => {
    switch (item.type) {
      case 'profile':
        usesIn(item.name, out);
        usesIn(item.attachment, out);
        break;
      case 'if':
        for (let n: typeof item | undefined = item; n; n = n.else && 'type' in n.else ? n.else : undefined) exprUses(n.condition, out);
        break;
      case 'variable':
        exprUses(item.expr, out);
        break;
      case 'rule':
        if (item.kind === 'file' || item.kind === 'link') {
          usesIn(item.path, out);
          usesIn(item.target, out);
        } else if (item.kind === 'rlimit') {
          usesIn(item.value, out);
        } else {
          for (const w of item.words) usesIn(w, out);
          usesIn(item.target, out);
          for (const c of item.conds) {
            for (const v of c.values) usesIn(v, out);
            for (const n of c.nested ?? []) for (const v of n.values) usesIn(v, out);
          }
        }
        break;
    }
  });
  return out;
}

/** Includes of a block, not descending into nested profiles (they are checked on their own). */
export function blockIncludes(items: readonly (TopItem | BodyItem)[]): IncludeNode[] {
  const out: IncludeNode[] = [];
  visitOwnItems(items, (item) => {
    if (item.type === 'include') out.push(item);
  });
  return out;
}

/** Allow rules with an exec transition in a block (not in nested profiles). */
export function execRules(items: readonly (TopItem | BodyItem)[]): ExecRule[] {
  const out: ExecRule[] = [];
  visitOwnItems(items, (item, owner) => {
    if (item.type !== 'rule' || item.kind !== 'file' || !item.perms || !item.path) return;
    if (item.qualifiers.mode?.text === 'deny' || !/[xX]/.test(item.perms.text)) return;
    const perms = parsePerms(item.perms);
    if (perms.execModes.length !== 1) return;
    const mode = perms.execModes[0]! + (item.target ? ` -> ${item.target.value}` : '');
    const isOwner = owner || !!item.qualifiers.owner;
    // Rules of different priority do not merge: the higher one wins instead.
    const priority = item.qualifiers.priority?.value?.value ?? '0';
    out.push({ key: `${priority} ${isOwner ? 'owner ' : ''}${item.path.value}`, path: item.path.value, mode, start: item.start, end: item.end });
  });
  return out;
}

/** Items of a profile body or file, through qualifier blocks and ifs, but not into child profiles. */
export function visitOwnItems(
  items: readonly (TopItem | BodyItem)[],
  visit: (item: TopItem | BodyItem, owner: boolean) => void,
  owner = false,
): void {
  for (const item of items) {
    visit(item, owner);
    if (item.type === 'qualifierBlock') {
      const isOwner = owner || !!item.qualifiers.owner;
      visitOwnItems(item.body.items, visit, isOwner);
    } else if (item.type === 'if') {
      for (const b of ifBlocks(item)) visitOwnItems(b.items, visit, owner);
    }
  }
}
