import type { BodyItem, CondRuleNode, Expr, IncludeNode, Span, Token, TopItem } from './ast';
import { parsePerms } from './checks/checkFileRule';
import { walkLists } from './deep';
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
  /** A change_profile rule: its mode is `safe` or `unsafe`, its path `EXEC -> TARGET`. */
  readonly changeProfile?: boolean;
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
        // apparmor_parser 4.x expands variables in flag values (attach_disconnected.path=@{V}/x).
        for (const f of item.flags ?? []) usesIn(f.value, out);
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
    if (item.type === 'rule' && item.kind === 'change_profile') {
      const cp = changeProfileRule(item);
      if (cp) out.push(cp);
      return;
    }
    if (item.type !== 'rule' || item.kind !== 'file' || !item.perms || !item.path) return;
    if (item.qualifiers.mode?.text === 'deny' || !/[xX]/.test(item.perms.text)) return;
    const perms = parsePerms(item.perms);
    if (perms.execModes.length !== 1) return;
    const mode = sameTransition(perms.execModes[0]!) + (item.target ? ` -> ${item.target.value}` : '');
    const isOwner = owner || !!item.qualifiers.owner;
    // Rules of different priority do not merge: the higher one wins instead.
    const priority = item.qualifiers.priority?.value?.value ?? '0';
    out.push({ key: `${priority} ${isOwner ? 'owner ' : ''}${item.path.value}`, path: item.path.value, mode, start: item.start, end: item.end });
  });
  return out;
}

/**
 * A change_profile rule with an exec path, keyed as apparmor_parser merges it: rules with one
 * exec path and one target (written alike) must agree on `safe`/`unsafe`, and no word is `safe`.
 */
function changeProfileRule(rule: CondRuleNode): ExecRule | undefined {
  if (rule.qualifiers.mode?.text === 'deny') return undefined;
  const first = rule.words[0]?.value;
  const word = first === 'safe' || first === 'unsafe' ? first : undefined;
  const exec = rule.words[word ? 1 : 0];
  if (!exec) return undefined;
  const priority = rule.qualifiers.priority?.value?.value ?? '0';
  const path = `${exec.value} -> ${rule.target?.value ?? '**'}`;
  return { key: `${priority} change_profile ${path}`, path, mode: word ?? 'safe', changeProfile: true, start: rule.start, end: rule.end };
}

/**
 * Items of a profile body or file, through qualifier blocks and ifs, but not into child
 * profiles, in document order; the blocks on a stack of our own (they nest thousands deep).
 */
function visitOwnItems(
  items: readonly (TopItem | BodyItem)[],
  visit: (item: TopItem | BodyItem, owner: boolean) => void,
): void {
  walkLists<TopItem | BodyItem, boolean>(items, false, (item, owner) => {
    visit(item, owner);
    if (item.type === 'qualifierBlock') return [{ items: item.body.items, state: owner || !!item.qualifiers.owner }];
    if (item.type === 'if') return ifBlocks(item).map((b) => ({ items: b.items, state: owner }));
    return undefined;
  });
}

/**
 * An exec transition as apparmor_parser merges it: the case of `i` in `ix`, and of the `i` or
 * `u` after `p` or `c`, changes nothing (`pIx` is `pix`, `PUx` is `Pux`); the case of `p`, `c`
 * and of a lone `u` (`ux`, `Ux`) selects scrubbing, so those stay as written.
 */
function sameTransition(mode: string): string {
  if (/^[iI]/.test(mode)) return 'i' + mode.slice(1).toLowerCase();
  if (/^[pPcC][iIuU]/.test(mode)) return mode[0] + mode.slice(1).toLowerCase();
  return mode.slice(0, -1) + 'x';
}
