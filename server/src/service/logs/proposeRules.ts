import type { Access, AccessClass } from './access';
import { isAccess } from './access';
import type { AuditRecord } from './auditRecord';
import { describeAccess } from './describeAccess';
import { blockOf } from './profileName';
import { renderRule, RenderOptions } from './renderRule';

export interface ProposeOptions {
  /** Paths with the usual tunables (default true); `literals` always holds the paths as logged. */
  readonly generalise?: boolean;
  /**
   * The transition for an exec (default `ix`). aa-logprof asks, offering inherit, child,
   * profile, named and unconfined; without knowing which profiles exist, `ix` is the one
   * choice that is valid alone and never fails at run time for want of a profile. With
   * `Px`/`Cx`-style modes a target named in the log is added as `-> target`.
   */
  readonly execMode?: string;
  /** Network rules with permissions, addresses and ports, for AppArmor 4.0 and later (default false). */
  readonly fineNetwork?: boolean;
}

export interface ProposedRule {
  /** The rule with its trailing comma (generalised unless `generalise: false`). */
  readonly text: string;
  /** The rule(s) with paths exactly as logged, one per distinct logged access merged into `text`. */
  readonly literals: readonly string[];
  /** The `deny` rule refusing the same access. */
  readonly deny: string;
  readonly class: AccessClass;
  /** Tunables the rule uses (`HOME`, `PROC`, `pid` …). */
  readonly variables: readonly string[];
  /** Records behind the rule. */
  readonly count: number;
  /** Latest record time, milliseconds since the epoch, when the log had times. */
  readonly lastSeen?: number;
  /** The operation of the latest record, and all the operations seen. */
  readonly operation: string;
  readonly operations: readonly string[];
  readonly records: readonly AuditRecord[];
}

export interface ProfileProposal {
  /** The block, `parent//child` for hats and child profiles. */
  readonly profile: string;
  /** A change_hat asked for this block: it is a hat (`^name`), not a child profile. */
  readonly hat: boolean;
  readonly rules: readonly ProposedRule[];
  readonly count: number;
  readonly lastSeen?: number;
}

export interface SkippedRecord {
  readonly record: AuditRecord;
  readonly reason: string;
}

export interface Proposals {
  readonly profiles: ProfileProposal[];
  /** Denials no rule can be proposed for, with the reason. */
  readonly skipped: SkippedRecord[];
}

/** Records that a rule would have let through: refusals, and complain mode's would-be refusals. */
const PROPOSED_MODES: ReadonlySet<string> = new Set(['DENIED', 'ALLOWED', 'KILLED']);

const CLASS_ORDER: readonly AccessClass[] = [
  'capability', 'network', 'unix', 'file', 'signal', 'ptrace', 'dbus', 'mount', 'umount', 'pivot_root',
  'change_profile', 'change_hat', 'userns', 'io_uring', 'mqueue',
];

interface RuleDraft {
  access: Access;
  perms: Set<string>;
  owner: boolean;
  records: AuditRecord[];
  /** Accesses as logged, merged the same way, by their literal rule. */
  literals: Map<string, { access: Access; perms: Set<string>; owner: boolean }>;
}

interface GroupDraft {
  profile: string;
  hat: boolean;
  records: AuditRecord[];
  rules: Map<string, RuleDraft>;
}

/**
 * For every denial, the rule that allows it, in the block it concerns. The same access
 * logged many times gives one rule; permissions asked for the same object are unioned.
 */
export function proposeRules(records: readonly AuditRecord[], options: ProposeOptions = {}): Proposals {
  const render: RenderOptions = { generalise: options.generalise ?? true, execMode: options.execMode ?? 'ix', fineNetwork: options.fineNetwork ?? false };
  const groups = new Map<string, GroupDraft>();
  const skipped: SkippedRecord[] = [];
  for (const record of uniqueEvents(records)) {
    if (!PROPOSED_MODES.has(record.mode)) continue;
    const block = blockOf(record.profile);
    const access = describeAccess(record);
    if ('reason' in block) skipped.push({ record, reason: block.reason });
    else if (!isAccess(access)) skipped.push({ record, reason: access.reason });
    else addAccess(groups, block.profile, access, record, render);
  }
  const profiles = [...groups.values()].map((g) => finishGroup(g, render)).sort((a, b) => a.profile.localeCompare(b.profile));
  return { profiles, skipped };
}

function groupFor(groups: Map<string, GroupDraft>, profile: string): GroupDraft {
  let g = groups.get(profile);
  if (!g) groups.set(profile, (g = { profile, hat: false, records: [], rules: new Map() }));
  return g;
}

function addAccess(groups: Map<string, GroupDraft>, profile: string, access: Access, record: AuditRecord, render: RenderOptions): void {
  if (access.class === 'change_hat') {
    // The fix is the hat itself: its block is proposed, and rules its own denials ask for go in it.
    const hat = groupFor(groups, `${profile}//${access.hat}`);
    hat.hat = true;
    hat.records.push(record);
    return;
  }
  const group = groupFor(groups, profile);
  group.records.push(record);
  const key = mergeKey(access, render);
  let draft = group.rules.get(key);
  if (!draft) group.rules.set(key, (draft = { access, perms: new Set(), owner: true, records: [], literals: new Map() }));
  mergeInto(draft, access);
  draft.records.push(record);
  const literalKey = mergeKey(access, { ...render, generalise: false });
  let literal = draft.literals.get(literalKey);
  if (!literal) draft.literals.set(literalKey, (literal = { access, perms: new Set(), owner: true }));
  mergeInto(literal, access);
}

function mergeInto(target: { perms: Set<string>; owner: boolean }, access: Access): void {
  for (const p of access.perms) target.perms.add(p);
  if (access.class === 'file') target.owner &&= access.owner;
}

/** Accesses that render to the same rule once permissions and `owner` are set aside merge. */
function mergeKey(access: Access, render: RenderOptions): string {
  const bare = { ...access, perms: [], ...(access.class === 'file' ? { owner: false, ownerMatch: false, execTarget: undefined } : {}) } as Access;
  return renderRule(bare, render).text;
}

function withMerged(access: Access, merged: { perms: Set<string>; owner: boolean }): Access {
  const perms = [...merged.perms];
  return access.class === 'file' ? { ...access, perms, owner: merged.owner } : ({ ...access, perms } as Access);
}

function finishRule(d: RuleDraft, render: RenderOptions): ProposedRule {
  const rendered = renderRule(withMerged(d.access, d), render);
  const literal = { ...render, generalise: false };
  const latest = latestOf(d.records);
  return {
    text: rendered.text,
    literals: [...d.literals.values()].map((l) => renderRule(withMerged(l.access, l), literal).text),
    deny: rendered.deny,
    class: d.access.class,
    variables: rendered.variables,
    count: d.records.length,
    ...(latest.time !== undefined ? { lastSeen: latest.time } : {}),
    operation: latest.operation,
    operations: [...new Set(d.records.map((r) => r.operation))],
    records: d.records,
  };
}

function finishGroup(g: GroupDraft, render: RenderOptions): ProfileProposal {
  const rules = [...g.rules.values()].map((d) => finishRule(d, render));
  rules.sort((a, b) => CLASS_ORDER.indexOf(a.class) - CLASS_ORDER.indexOf(b.class) || a.text.localeCompare(b.text));
  const latest = g.records.length > 0 ? latestOf(g.records) : undefined;
  return { profile: g.profile, hat: g.hat, rules, count: g.records.length, ...(latest?.time !== undefined ? { lastSeen: latest.time } : {}) };
}

/** The latest record by time, else the last one read. */
function latestOf(records: readonly AuditRecord[]): AuditRecord {
  let best = records[records.length - 1]!;
  for (const r of records) if (r.time !== undefined && (best.time === undefined || r.time > best.time)) best = r;
  return best;
}

/**
 * The same event read twice (dmesg and audit.log pasted together) counts once: the audit
 * stamp identifies it. Records without a stamp are all kept.
 */
function uniqueEvents(records: readonly AuditRecord[]): AuditRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    if (r.serial === undefined) return true;
    const key = `${r.time}:${r.serial}:${r.operation}:${r.profile}:${r.fields['name']}:${r.fields['requested_mask'] ?? r.fields['requested']}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
