import type { BodyItem, Expr, IncludeNode, Span, Token, TopItem } from './ast';
import { parsePerms } from './checks/checkFileRule';
import { isNameChar, isNameStart } from './scanner';
import { forEachCond, forEachExpr, ifBlocks, walkItems } from './walk';

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

/**
 * Every `@{NAME}` and `${NAME}` in `text`, placed as if `text` began at `offset`, appended to
 * `out`. A scan, not a regex: it runs on every token of a file.
 */
export function variableRefs(text: string, offset: number, out: VariableUse[] = []): VariableUse[] {
  for (let i = text.indexOf('{', 1); i >= 0; i = text.indexOf('{', i + 1)) {
    const sigil = text.charCodeAt(i - 1);
    if ((sigil !== 0x40 && sigil !== 0x24) || !isNameStart(text.charCodeAt(i + 1))) continue;
    let j = i + 2;
    while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 0x7d) continue;
    out.push({ sigil: sigil === 0x40 ? '@' : '$', name: text.slice(i + 1, j), start: offset + i - 1, end: offset + j + 1 });
  }
  return out;
}

function usesIn(token: Token | undefined, out: VariableUse[]): void {
  if (token && token.text.indexOf('{') >= 0) variableRefs(token.text, token.start, out);
}

function exprUses(expr: Expr | undefined, out: VariableUse[]): void {
  forEachExpr(expr, (e) => {
    if (e.kind === 'term') usesIn(e.token, out);
  });
}

/**
 * Every variable a file's rules and headers refer to (not `defined` tests, not assignments' values).
 * With the file's `text`, rules whose text holds no reference are passed over unread.
 */
export function collectUses(items: readonly (TopItem | BodyItem)[], text?: string): VariableUse[] {
  const out: VariableUse[] = [];
  // References found in the whole text (comments and assignments too) are a superset of those in tokens.
  const mayRefer = text === undefined ? undefined : variableRefs(text, 0).map((r) => r.start);
  walkItems(items, (item) => {
    if (mayRefer && item.type === 'rule' && !anyWithin(mayRefer, item.start, item.end)) return;
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
          forEachCond(item.conds, (c) => {
            for (const v of c.values) usesIn(v, out);
          });
        }
        break;
    }
  });
  return out;
}

/** Whether a sorted list holds a value in [start, end). */
function anyWithin(sorted: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! < end;
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
