import type { Analyzer } from '../analyze';
import type { BodyItem, FileNode, ProfileNode, RuleNode, TopItem } from '../ast';
import { ifBlocks } from '../walk';
import type { Variables } from './glob';
import { splitProfile } from './profileName';

/** A rule of a profile with the qualifiers of the blocks around it applied. */
export interface ScopedRule {
  readonly rule: RuleNode;
  readonly owner: boolean;
  readonly deny: boolean;
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
  collectRules(analyzer, path, block.body.items, { owner: false, deny: false }, rules, children, new Set([path]));
  return { profile, rules, vars, children };
}

function collectVariables(analyzer: Analyzer, from: string, items: readonly (TopItem | BodyItem)[], vars: Map<string, string[]>, seen: Set<string>): void {
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

interface Scope { readonly owner: boolean; readonly deny: boolean }

function collectRules(
  analyzer: Analyzer, from: string, items: readonly (TopItem | BodyItem)[], scope: Scope,
  out: ScopedRule[], children: string[], seen: Set<string>,
): void {
  for (const item of items) {
    switch (item.type) {
      case 'rule':
        out.push({ rule: item, owner: scope.owner || item.qualifiers.owner !== undefined, deny: scope.deny || item.qualifiers.mode?.value === 'deny' });
        break;
      case 'qualifierBlock': {
        const q = item.qualifiers;
        collectRules(analyzer, from, item.body.items, { owner: scope.owner || q.owner !== undefined, deny: scope.deny || q.mode?.value === 'deny' }, out, children, seen);
        break;
      }
      case 'if':
        // Conditions depend on values only a full compile knows; either branch may apply.
        for (const b of ifBlocks(item)) collectRules(analyzer, from, b.items, scope, out, children, seen);
        break;
      case 'include':
        for (const target of analyzer.targets(item, from)) {
          if (seen.has(target)) continue;
          seen.add(target);
          const f = analyzer.load(target);
          if (f) collectRules(analyzer, target, f.ast.items, scope, out, children, seen);
          seen.delete(target);
        }
        break;
      case 'profile':
        if (item.name) children.push(item.name.value);
        break;
    }
  }
}
