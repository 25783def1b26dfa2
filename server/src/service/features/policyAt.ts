/**
 * The evaluator's policy of the profile around a place in an open file, kept per analysis:
 * every hover of one version of the file shares it, and an edit (of the file or of a file it
 * includes) makes a new analysis, so a stale one is never used.
 */
import type { Analyzer } from '../analyze';
import type { FileNode } from '../ast';
import { loadPolicy, NoSuchProfile, Policy } from '../evaluate/policy';
import { profileAt } from '../evaluate/testAccess';
import type { Variables } from '../logs/glob';

const byAnalysis = new WeakMap<object, Map<string, Policy | null>>();
/**
 * The variable values last seen per file: an edit that leaves them as they were keeps the
 * same map, and with it the globs the evaluator compiled for it (kept per map).
 */
const lastVars = new Map<string, Variables>();
const MAX_FILES = 64;

export interface PolicySource {
  readonly analyzer: Analyzer;
  readonly path: string;
  readonly text: string;
  readonly ast: FileNode;
  /** The analysis the AST belongs to: the cache's key. */
  readonly key: object;
}

/** The policy of the innermost profile around `offset`, or undefined outside profiles. */
export function policyAt(source: PolicySource, offset: number): Policy | undefined {
  const name = profileAt(source.ast.items, offset);
  if (name === undefined) return undefined;
  let known = byAnalysis.get(source.key);
  if (!known) {
    known = new Map();
    byAnalysis.set(source.key, known);
  }
  let policy = known.get(name);
  if (policy === undefined) {
    try {
      policy = sameVars(loadPolicy(source.analyzer, { path: source.path, text: source.text, ast: source.ast }, name), `${source.path}\0${name}`);
    } catch (e) {
      if (!(e instanceof NoSuchProfile)) throw e;
      policy = null;
    }
    known.set(name, policy);
  }
  return policy ?? undefined;
}

function sameVars(policy: Policy, key: string): Policy {
  const before = lastVars.get(key);
  if (before && equal(before, policy.set.vars)) return { ...policy, set: { ...policy.set, vars: before } };
  if (lastVars.size >= MAX_FILES) lastVars.clear();
  lastVars.set(key, policy.set.vars);
  return policy;
}

function equal(a: Variables, b: Variables): boolean {
  if (a.size !== b.size) return false;
  for (const [name, values] of a) {
    const other = b.get(name);
    if (!other || other.length !== values.length || other.some((v, i) => v !== values[i])) return false;
  }
  return true;
}
