import type { Span, VariableNode } from './ast';
import type { Definitions, IncludeGraph } from './includeGraph';
import type { ProblemSink } from './checks/problems';
import { BUILTIN_VARIABLES } from './data/facts';
import { variableRefs } from './fileFacts';

export type Expansion = { readonly kind: 'cycle'; readonly chain: readonly string[] } | { readonly kind: 'undefined'; readonly ref: string; readonly by: string };

/**
 * The expansion of the variables one file uses: apparmor_parser expands each variable a rule
 * uses, and fails when a value refers back to the variable or to one never defined.
 */
export class VariableExpansions {
  /** Variables already checked here, each reported at its first use only. */
  readonly checked = new Set<string>();
  /** Expansions judged with this file's own assignments: the problem found, or null. */
  private readonly local = new Map<string, Expansion | null>();
  /** Whether this file's own assignments refer to variables (then its expansions are its own). */
  private ownRefs: boolean | undefined;

  constructor(
    private readonly graph: IncludeGraph,
    /** The set variables each of the file's own assignments refers to. */
    private readonly refs: ReadonlyMap<string, readonly string[]>,
    private readonly inherited: readonly Definitions[],
    /** Where a set variable is defined ('' for the file itself), or undefined. */
    private readonly definedIn: (name: string) => string | undefined,
    private readonly sink: ProblemSink,
  ) {}

  /**
   * apparmor_parser expands each variable a rule uses, and fails when a value refers back to
   * the variable or to one never defined. Reported once per variable, at its first use.
   */
  check(name: string, at: Span): void {
    if (this.checked.has(name)) return;
    this.checked.add(name);
    const problem = this.expansionWithOwn(name);
    if (!problem) return;
    if (problem.kind === 'cycle') this.sink.add('variable-recursive', at, { name, chain: problem.chain.map((n) => `@{${n}}`).join(' → ') });
    else this.sink.add('variable-undefined', at, { name: problem.ref, hint: ` (in the value of @{${problem.by}})` });
  }

  /**
   * The expansion of `name` with this file's assignments. Judged from the inherited tunables
   * alone (shared by every file that inherits the same ones, so an edit judges nothing again)
   * unless this file's values refer to variables, or it defines what the tunables lack.
   */
  private expansionWithOwn(name: string): Expansion | undefined {
    this.ownRefs ??= [...this.refs.values()].some((r) => r.length > 0);
    if (!this.ownRefs) {
      const shared = this.expansionOf(name, [], this.graph.sharedExpansions<Expansion | null>(this.inherited), false);
      if (shared?.kind !== 'undefined' || this.definedIn(shared.ref) === undefined) return shared;
    }
    return this.expansionOf(name, [], this.local, true);
  }

  /**
   * The first problem met expanding `name`; `path` holds the variables being expanded, `own`
   * whether this file's assignments count or only the inherited tunables'.
   */
  private expansionOf(name: string, path: string[], memo: Map<string, Expansion | null>, own: boolean): Expansion | undefined {
    const known = memo.get(name);
    if (known !== undefined) return known ?? undefined;
    if (path.includes(name)) return { kind: 'cycle', chain: [...path.slice(path.indexOf(name)), name] };
    if (path.length >= 64) return undefined;
    path.push(name);
    let found: Expansion | undefined;
    for (const ref of this.valueRefs(name, own)) {
      const defined = BUILTIN_VARIABLES.has(ref) || (own ? this.definedIn(ref) !== undefined : this.inherited.some((d) => d.sets.has(ref)));
      found = defined ? this.expansionOf(ref, path, memo, own) : { kind: 'undefined', ref, by: name };
      if (found) break;
    }
    path.pop();
    // What lies below a variable does not depend on how it was reached, except a cycle back
    // into `path`: that is kept only by the outermost call. Keeping the rest makes shared
    // values cost once, not once per way to reach them.
    if (path.length === 0 || found?.kind !== 'cycle') memo.set(name, found ?? null);
    return found;
  }

  private valueRefs(name: string, own: boolean): readonly string[] {
    let out: readonly string[] = own ? this.refs.get(name) ?? [] : [];
    for (const d of this.inherited) {
      const below = d.hasRefs ? refsBelow(d).get(name) : undefined;
      if (below) out = out.length === 0 ? below : [...out, ...below];
    }
    return out;
  }
}

/** Records the set variables an assignment's values refer to. */
export function addValueRefs(refs: Map<string, string[]>, item: VariableNode): void {
  const names = refs.get(item.name.value) ?? [];
  for (const v of item.values) for (const r of variableRefs(v.text, v.start)) if (r.sigil === '@') names.push(r.name);
  refs.set(item.name.value, names);
}

const MERGED_REFS = new WeakMap<Definitions, ReadonlyMap<string, readonly string[]>>();

/**
 * What the assignments in `defs` and below refer to, by variable. Built once per definitions
 * (lazily: only the tunables a profile inherits are ever asked), not for every file included.
 */
function refsBelow(defs: Definitions): ReadonlyMap<string, readonly string[]> {
  let merged = MERGED_REFS.get(defs);
  if (merged) return merged;
  const out = new Map<string, string[]>();
  const seen = new Set<Definitions>();
  const visit = (d: Definitions): void => {
    if (!d.hasRefs || seen.has(d)) return;
    seen.add(d);
    for (const [name, names] of d.refs) {
      const list = out.get(name);
      if (list) list.push(...names);
      else out.set(name, [...names]);
    }
    for (const b of d.below) visit(b);
  };
  visit(defs);
  merged = out;
  MERGED_REFS.set(defs, merged);
  return merged;
}
