import { descend, runDeep, type Deep } from '../deep';
import type { Analyzer } from '../analyze';
import type { BodyItem, FileNode, ProfileNode, Qualifiers, RuleNode, TopItem } from '../ast';
import { ifBlocks } from '../walk';
import type { Variables } from './glob';
import { splitProfile } from './profileName';

/** A rule of a profile with the qualifiers of the blocks around it applied. */
export interface ScopedRule {
  readonly rule: RuleNode;
  readonly owner: boolean;
  readonly deny: boolean;
  /** `audit` on the rule or a block around it. */
  readonly audit: boolean;
  /** The file the rule is written in (an include's, for rules that come through one). */
  readonly file: string;
}

/** What a profile's policy holds: its rules (includes resolved), variable values, inner blocks. */
export interface RuleSet {
  readonly profile: string;
  readonly rules: readonly ScopedRule[];
  readonly vars: Variables;
  /** Names of the hats and child profiles directly inside. */
  readonly children: readonly string[];
}

/** The chain of blocks a profile name leads to, as far as the file has them. */
export function findBlocks(ast: FileNode, profile: string): ProfileNode[] {
  const chain: ProfileNode[] = [];
  let items: readonly (TopItem | BodyItem)[] = ast.items;
  for (const part of splitProfile(profile)) {
    const next = items.find((i): i is ProfileNode => i.type === 'profile' && i.name?.value === part);
    if (!next) break;
    chain.push(next);
    items = next.body.items;
  }
  return chain;
}

/**
 * The rule set of `profile` in a file, includes resolved through the analyzer (as the
 * checker resolves them), or undefined when the file has no such block.
 */
export function ruleSetOf(analyzer: Analyzer, path: string, ast: FileNode, profile: string): RuleSet | undefined {
  const chain = findBlocks(ast, profile);
  const block = chain[chain.length - 1];
  if (chain.length !== splitProfile(profile).length || !block) return undefined;
  const vars = new Map<string, string[]>();
  collectVariables(analyzer, path, ast.items, vars, new Set([path]));
  vars.set('profile_name', [block.name!.value]);
  if (chain[0]!.attachment) for (const v of ['attach_path', 'exec_path']) vars.set(v, [chain[0]!.attachment.value]);
  const rules: ScopedRule[] = [];
  const children: string[] = [];
  runDeep(collectRules(analyzer, path, block.body.items, { owner: false, deny: false, audit: false }, rules, children, new Set([path])));
  return { profile, rules, vars, children };
}

/** The `@{}` variables a file's items set, through its includes, `+=` appending. */
export function collectVariables(analyzer: Analyzer, from: string, items: readonly (TopItem | BodyItem)[], vars: Map<string, string[]>, seen: Set<string>): void {
  for (const item of items) {
    if (item.type === 'variable' && item.sigil === '@') {
      const values = item.values.map((t) => t.value);
      const name = item.name.value;
      if (item.op === '+=') vars.set(name, [...(vars.get(name) ?? []), ...values]);
      else if (item.op !== '?=' || !vars.has(name)) vars.set(name, values);
    } else if (item.type === 'include') {
      for (const target of analyzer.targets(item, from)) {
        if (seen.has(target)) continue;
        seen.add(target);
        const f = analyzer.load(target);
        if (f) collectVariables(analyzer, target, f.ast.items, vars, seen);
      }
    }
  }
}

interface Scope { readonly owner: boolean; readonly deny: boolean; readonly audit: boolean }

/** A generator run on an explicit stack (deep.ts): blocks nest thousands deep. */
function* collectRules(
  analyzer: Analyzer, from: string, items: readonly (TopItem | BodyItem)[], scope: Scope,
  out: ScopedRule[], children: string[], seen: Set<string>,
): Deep<void> {
  for (const item of items) {
    switch (item.type) {
      case 'rule':
        out.push({ rule: item, file: from, ...qualify(scope, item.qualifiers) });
        break;
      case 'qualifierBlock': {
        const q = item.qualifiers;
        yield* descend(collectRules(analyzer, from, item.body.items, qualify(scope, q), out, children, seen));
        break;
      }
      case 'if':
        // Conditions depend on values only a full compile knows; either branch may apply.
        for (const b of ifBlocks(item)) yield* descend(collectRules(analyzer, from, b.items, scope, out, children, seen));
        break;
      case 'include':
        for (const target of analyzer.targets(item, from)) {
          if (seen.has(target)) continue;
          seen.add(target);
          const f = analyzer.load(target);
          if (f) yield* descend(collectRules(analyzer, target, f.ast.items, scope, out, children, seen));
          seen.delete(target);
        }
        break;
      case 'profile':
        if (item.name) children.push(item.name.value);
        break;
    }
  }
}

function qualify(scope: Scope, q: Qualifiers): Scope {
  return { owner: scope.owner || q.owner !== undefined, deny: scope.deny || q.mode?.value === 'deny', audit: scope.audit || q.audit !== undefined };
}
