import { descend, runDeep, type Deep } from '../deep';
import type { BodyItem, FileNode, ProfileNode, Span, Token, TopItem } from '../ast';

type TokenRole = 'keyword' | 'perms' | 'path' | 'target' | 'word' | 'perm' | 'condName' | 'condValue' | 'flag' | 'qualifier' | 'include' | 'profileName';

export interface TokenAt {
  readonly item: TopItem | BodyItem;
  readonly token: Token;
  readonly role: TokenRole;
  /** The innermost profile around the position. */
  readonly profile?: ProfileNode;
}

const within = (s: Span | undefined, offset: number): boolean => !!s && s.start <= offset && offset <= s.end;

/** The token under `offset`, with what it is in its rule. */
export function tokenAt(ast: FileNode, offset: number): TokenAt | undefined {
  return runDeep(findIn(ast.items, offset, undefined));
}

/** A generator run on an explicit stack (deep.ts): blocks nest thousands deep. */
function* findIn(items: readonly (TopItem | BodyItem)[], offset: number, profile: ProfileNode | undefined): Deep<TokenAt | undefined> {
  for (const item of items) {
    if (!within(item, offset)) continue;
    switch (item.type) {
      case 'profile': {
        for (const f of item.flags ?? []) if (within(f.name, offset)) return { item, token: f.name, role: 'flag', profile: item };
        if (within(item.keyword, offset)) return { item, token: item.keyword!, role: 'keyword', profile: item };
        if (within(item.name, offset)) return { item, token: item.name!, role: 'profileName', profile: item };
        return yield* descend(findIn(item.body.items, offset, item));
      }
      case 'qualifierBlock':
        for (const q of item.qualifiers.all) if (within(q, offset)) return { item, token: q, role: 'qualifier', profile };
        return yield* descend(findIn(item.body.items, offset, profile));
      case 'if': {
        const inner = yield* descend(findIn(item.then.items, offset, profile));
        if (inner) return inner;
        if (item.else) return yield* descend(findIn('items' in item.else ? item.else.items : [item.else], offset, profile));
        return undefined;
      }
      case 'include':
        if (item.path && within(item.path, offset)) return { item, token: item.path, role: 'include', profile };
        return { item, token: item.keyword, role: 'keyword', profile };
      case 'rule':
        return ruleToken(item, offset, profile);
      case 'abi':
      case 'alias':
        return item.keyword.start <= offset && offset <= item.keyword.end ? { item, token: item.keyword, role: 'keyword', profile } : undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}

function ruleToken(rule: Extract<BodyItem, { type: 'rule' }>, offset: number, profile: ProfileNode | undefined): TokenAt | undefined {
  const at = (token: Token | undefined, role: TokenRole): TokenAt | undefined =>
    token && within(token, offset) ? { item: rule, token, role, profile } : undefined;
  for (const q of rule.qualifiers.all) if (within(q, offset)) return { item: rule, token: q, role: 'qualifier', profile };
  const hit = at(rule.keyword, 'keyword');
  if (hit) return hit;
  switch (rule.kind) {
    case 'file':
      return at(rule.perms, 'perms') ?? at(rule.path, 'path') ?? at(rule.target, 'target') ?? at(rule.execSafety, 'keyword');
    case 'link':
      return at(rule.path, 'path') ?? at(rule.target, 'path');
    case 'rlimit':
      return at(rule.name, 'word') ?? at(rule.value, 'word');
    default:
      for (const p of rule.perms ?? []) if (within(p, offset)) return { item: rule, token: p, role: 'perm', profile };
      for (const w of rule.words) if (within(w, offset)) return { item: rule, token: w, role: 'word', profile };
      for (const c of [...rule.conds, ...rule.targetConds]) {
        if (within(c.name, offset)) return { item: rule, token: c.name, role: 'condName', profile };
        for (const v of c.values) if (within(v, offset)) return { item: rule, token: v, role: 'condValue', profile };
      }
      return at(rule.target, 'target');
  }
}
