/**
 * Hover on a rule: what it adds to its profile. Its own accesses (each permission, on a few
 * paths its glob matches) are evaluated against the profile without it: already allowed by
 * another line or an abstraction, cancelled by a deny rule, or newly allowed. For a deny rule:
 * what it takes away, or that it only keeps a denial out of the log.
 */
import type { Analyzer } from '../analyze';
import type { RuleNode } from '../ast';
import { evaluate } from '../evaluate/evaluate';
import { AccessSyntaxError, parseAccess } from '../evaluate/parseAccess';
import type { Policy } from '../evaluate/policy';
import type { Verdict } from '../evaluate/verdict';
import type { Access } from '../logs/access';
import { expandVariables } from '../logs/glob';
import { permLetters } from '../logs/allows';
import type { ScopedRule } from '../logs/ruleSet';
import { pathToUri } from '../uri';
import { samplePaths } from './explainPath';

/** Paths of a glob tried per permission: enough to show a difference, few enough to stay fast. */
const SAMPLES = 2;

type Kind = 'new' | 'covered' | 'cancelled' | 'takes' | 'quiet' | 'unknown';

interface Outcome {
  readonly kind: Kind;
  readonly rules: readonly ScopedRule[];
  readonly message?: string;
  readonly example?: string;
}

interface Asked {
  /** What the line says it is about: a permission letter, a capability, or the whole rule. */
  readonly label: string;
  readonly accesses: readonly Access[];
  /** The rule names many paths: say which one an outcome is about. */
  readonly showPath?: boolean;
}

const without = new WeakMap<Policy, WeakMap<RuleNode, Policy>>();

/** The policy with one rule taken out; the rest (variables, places) shared. */
function policyWithout(policy: Policy, rule: RuleNode): Policy {
  let known = without.get(policy);
  if (!known) {
    known = new WeakMap();
    without.set(policy, known);
  }
  let out = known.get(rule);
  if (!out) {
    out = { ...policy, set: { ...policy.set, rules: policy.set.rules.filter((s) => s.rule !== rule) } };
    known.set(rule, out);
  }
  return out;
}

export interface RuleEffectContext {
  readonly analyzer: Analyzer;
  readonly path: string;
  readonly text: string;
}

/** Markdown on what `rule` adds to `policy`, or undefined when its accesses cannot be named. */
export function explainRuleEffect(policy: Policy, rule: RuleNode, ctx: RuleEffectContext): string | undefined {
  const scoped = policy.set.rules.find((s) => s.rule === rule);
  if (!scoped) return undefined;
  // A glob that matches nothing (a variable without a value, a malformed class) asks nothing.
  const asked = accessesOf(scoped, policy, ctx.text).filter((a) => a.accesses.length > 0);
  if (asked.length === 0) return undefined;
  const rest = policyWithout(policy, rule);
  const outcomes = asked.map((a) => ({ label: a.label, outcome: combine(a.accesses.map((x) => outcomeOf(policy, rest, scoped, x, a.showPath === true)), scoped.deny) }));
  const groups = new Map<string, { labels: string[]; outcome: Outcome[] }>();
  for (const { label, outcome } of outcomes) {
    const key = outcome.map((o) => `${o.kind}\0${o.rules.map((r) => `${r.file}:${r.rule.start}`).join(',')}\0${o.example ?? ''}`).join('\n');
    const g = groups.get(key);
    if (g) g.labels.push(label);
    else groups.set(key, { labels: [label], outcome });
  }
  const lines = [...groups.values()].map((g) => `- ${g.labels.map((l) => `\`${l}\``).join(', ')}: ${g.outcome.map((o) => describe(o, policy, ctx)).join('; ')}`);
  return [`**In profile \`${policy.profile}\`** this ${scoped.deny ? 'deny ' : ''}rule:`, '', ...lines].join('\n');
}

function outcomeOf(policy: Policy, rest: Policy, scoped: ScopedRule, access: Access, showPath: boolean): Outcome {
  const example = access.class === 'file' && showPath ? access.path : undefined;
  const withEx = (o: Omit<Outcome, 'example'>): Outcome => (example !== undefined ? { ...o, example } : o);
  const before = evaluate(rest, access);
  if (scoped.deny) {
    if (before.verdict === 'allowed') return withEx({ kind: 'takes', rules: before.rules });
    if (before.verdict === 'unknown') return withEx({ kind: 'unknown', rules: before.rules, message: before.message });
    if (before.reason === 'deny-rule') return withEx({ kind: 'covered', rules: before.rules });
    return withEx({ kind: 'quiet', rules: [], message: scoped.audit ? 'it is denied, and logged, without this rule too' : 'this rule only keeps the denial out of the log' });
  }
  const now: Verdict = evaluate(policy, access);
  if (now.verdict === 'denied' && now.reason === 'deny-rule') return withEx({ kind: 'cancelled', rules: now.rules });
  if (now.verdict === 'unknown') return withEx({ kind: 'unknown', rules: now.rules, message: now.message });
  if (before.verdict === 'allowed') return withEx({ kind: 'covered', rules: before.rules, ...(before.reason === 'not-mediated' ? { message: before.message } : {}) });
  return withEx({ kind: 'new', rules: [] });
}

/**
 * The outcomes for a permission over the sample paths: one when they agree (its rules
 * joined), else each kind once, with the path it is about, the most telling first.
 */
function combine(outcomes: readonly Outcome[], deny: boolean): Outcome[] {
  const first = outcomes[0]!;
  if (outcomes.every((o) => o.kind === first.kind)) {
    const rules = [...new Set(outcomes.flatMap((o) => o.rules))];
    const one: Outcome = { kind: first.kind, rules, ...(first.message !== undefined ? { message: first.message } : {}) };
    return [outcomes.length === 1 && first.example !== undefined ? { ...one, example: first.example } : one];
  }
  const order: readonly Kind[] = deny ? ['takes', 'unknown', 'quiet', 'covered'] : ['new', 'cancelled', 'unknown', 'covered'];
  const byKind = new Map<Kind, Outcome>();
  for (const o of outcomes) if (!byKind.has(o.kind)) byKind.set(o.kind, o);
  return [...byKind.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

function describe(o: Outcome, policy: Policy, ctx: RuleEffectContext): string {
  const at = o.example !== undefined ? ` (for \`${o.example}\`)` : '';
  const places = o.rules.slice(0, 3).map((r) => placeOf(r, policy, ctx)).join('; ') + (o.rules.length > 3 ? `; and ${o.rules.length - 3} more` : '');
  switch (o.kind) {
    case 'new': return `newly allowed${at}: no other rule allows it`;
    case 'covered':
      if (o.message !== undefined) return `adds nothing: ${o.message}`;
      return o.rules.length === 0 ? `already allowed${at}` : `already ${placesVerb(o)}${at} by ${places}`;
    case 'cancelled': return `cancelled${at} by the deny rule at ${places}: a deny rule always wins`;
    case 'takes': return `takes away${at} what ${places} allow${o.rules.length === 1 ? 's' : ''}`;
    case 'quiet': return `no other rule allows it${at}: ${o.message ?? ''}`;
    case 'unknown': return `cannot tell${at}: ${o.message ?? 'the text alone does not decide'}`;
  }
}

function placesVerb(o: Outcome): string {
  return o.rules.some((r) => r.deny) ? 'denied' : 'allowed';
}

/** `line N` for this file, `abstraction X line N` for another, linked, with the rule's text. */
function placeOf(r: ScopedRule, policy: Policy, ctx: RuleEffectContext): string {
  const line = policy.rangeOf(r).start.line + 1;
  const short = /(?:^|\/)((?:abstractions|tunables|local)\/.*)$/.exec(r.file)?.[1];
  const where = r.file === ctx.path ? `line ${line}` : short?.startsWith('abstractions/') ? `abstraction \`${short}\` line ${line}` : `\`${short ?? r.file}\` line ${line}`;
  const text = r.file === ctx.path ? ctx.text : ctx.analyzer.load(r.file)?.text ?? '';
  const snippet = text.slice(r.rule.start, r.rule.end).replace(/\s+/g, ' ');
  const shown = snippet.length > 60 ? `${snippet.slice(0, 57)}…` : snippet;
  return `[${where}](${pathToUri(r.file)}#L${line})${shown ? ` \`${shown.replace(/`/g, "'")}\`` : ''}`;
}

/** What the rule asks for: per permission on a few paths it matches; per capability; else the rule as one access. */
function accessesOf(scoped: ScopedRule, policy: Policy, text: string): Asked[] {
  const rule = scoped.rule;
  if (rule.kind === 'file') {
    if (!rule.path || !rule.perms) return [];
    const paths = samplePaths(rule.path.value, policy.set.vars, SAMPLES);
    const ownerMatch = scoped.owner;
    // Which path an outcome is about matters only when the rule names more than one.
    const globs = expandVariables(rule.path.value, policy.set.vars);
    const showPath = globs.length > 1 || globs.some((g) => /(^|[^\\])[*?[{]/.test(g));
    return permLetters(rule.perms.value).map((l) => ({
      label: l, showPath,
      accesses: paths.map((path) => ({ class: 'file' as const, path, perms: [l], ownerMatch, owner: ownerMatch })),
    }));
  }
  if (rule.kind === 'link') {
    if (!rule.path || !rule.target) return [];
    const path = samplePaths(rule.path.value, policy.set.vars, 1)[0];
    const target = samplePaths(rule.target.value, policy.set.vars, 1)[0];
    if (path === undefined || target === undefined) return [];
    return [{ label: 'link', accesses: [{ class: 'file', path, perms: ['l'], ownerMatch: scoped.owner, owner: scoped.owner, linkTarget: target }] }];
  }
  if (rule.kind === 'capability') return rule.words.map((w) => ({ label: w.value, accesses: [{ class: 'capability', name: w.value, perms: [] }] }));
  if (rule.kind === 'rlimit') return [];
  const from = rule.qualifiers.all.reduce((end, q) => Math.max(end, q.end), rule.start);
  try {
    return [{ label: rule.kind, accesses: [parseAccess(text.slice(from, rule.end)).access] }];
  } catch (e) {
    if (e instanceof AccessSyntaxError) return [];
    throw e;
  }
}
