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
  /** The last few records behind the rule (at most MAX_SAMPLES), oldest first. */
  readonly samples: readonly AuditRecord[];
  /** One record per distinct access behind the rule, the first MAX_ACCESSES of them. */
  readonly accesses: readonly AuditRecord[];
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
  /** Denials no rule can be proposed for, with the reason: the first MAX_SKIPPED of them. */
  readonly skipped: SkippedRecord[];
  /** How many denials no rule can be proposed for, all of them. */
  readonly skippedCount: number;
}

/**
 * What is kept of a rule's records: a long log must cost memory by its distinct rules, not
 * by its records. Samples are for showing; accesses are checked against a profile's rules,
 * and since they all render to the one rule, past a few the answer does not change.
 */
const MAX_SAMPLES = 3;
const MAX_ACCESSES = 20;
const MAX_SKIPPED = 100;
/**
 * The same event read twice (dmesg and audit.log pasted together) counts once while the two
 * copies are at most this many stamped events apart; remembering every event would make
 * memory grow with the log.
 */
const DEDUPE_WINDOW = 50_000;

/** Records that a rule would have let through: refusals, and complain mode's would-be refusals. */
const PROPOSED_MODES: ReadonlySet<string> = new Set(['DENIED', 'ALLOWED', 'KILLED']);

const CLASS_ORDER: readonly AccessClass[] = [
  'capability', 'network', 'unix', 'file', 'signal', 'ptrace', 'dbus', 'mount', 'umount', 'pivot_root',
  'change_profile', 'change_hat', 'userns', 'io_uring', 'mqueue',
];

/** Counts, the latest record and a few samples of a stream of records. */
class Tally {
  count = 0;
  readonly samples: AuditRecord[] = [];
  private last?: AuditRecord;
  private maxTimed?: AuditRecord;

  add(record: AuditRecord): void {
    this.count++;
    this.last = record;
    if (record.time !== undefined && (this.maxTimed?.time === undefined || record.time > this.maxTimed.time)) this.maxTimed = record;
    this.samples.push(record);
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
  }

  /** The latest record by time, else the last one read. */
  latest(): AuditRecord | undefined {
    const { last, maxTimed } = this;
    return maxTimed && (last?.time === undefined || maxTimed.time! > last.time) ? maxTimed : last;
  }
}

interface RuleDraft {
  access: Access;
  perms: Set<string>;
  owner: boolean;
  tally: Tally;
  operations: Set<string>;
  accesses: AuditRecord[];
  accessKeys: Set<string>;
  /** Accesses as logged, merged the same way, by their literal rule. */
  literals: Map<string, { access: Access; perms: Set<string>; owner: boolean }>;
}

interface GroupDraft {
  profile: string;
  hat: boolean;
  tally: Tally;
  rules: Map<string, RuleDraft>;
}

/**
 * For every denial, the rule that allows it, in the block it concerns. The same access
 * logged many times gives one rule; permissions asked for the same object are unioned.
 */
export function proposeRules(records: Iterable<AuditRecord>, options: ProposeOptions = {}): Proposals {
  const collector = new RuleCollector(options);
  for (const r of records) collector.add(r);
  return collector.finish();
}

/**
 * proposeRules a record at a time: what it keeps grows with the distinct rules, not with
 * the records, so a log of any length can be streamed through it.
 */
export class RuleCollector {
  private readonly render: RenderOptions;
  private readonly groups = new Map<string, GroupDraft>();
  private readonly skipped: SkippedRecord[] = [];
  private skippedCount = 0;
  private readonly events = new EventWindow();

  constructor(options: ProposeOptions = {}) {
    this.render = { generalise: options.generalise ?? true, execMode: options.execMode ?? 'ix', fineNetwork: options.fineNetwork ?? false };
  }

  add(record: AuditRecord): void {
    if (!this.events.isNew(record) || !PROPOSED_MODES.has(record.mode)) return;
    const block = blockOf(record.profile);
    const access = describeAccess(record);
    if ('reason' in block) this.skip(record, block.reason);
    else if (!isAccess(access)) this.skip(record, access.reason);
    else addAccess(this.groups, block.profile, access, record, this.render);
  }

  finish(): Proposals {
    const profiles = [...this.groups.values()].map((g) => finishGroup(g, this.render)).sort((a, b) => a.profile.localeCompare(b.profile));
    return { profiles, skipped: [...this.skipped], skippedCount: this.skippedCount };
  }

  private skip(record: AuditRecord, reason: string): void {
    this.skippedCount++;
    if (this.skipped.length < MAX_SKIPPED) this.skipped.push({ record, reason });
  }
}

function groupFor(groups: Map<string, GroupDraft>, profile: string): GroupDraft {
  let g = groups.get(profile);
  if (!g) groups.set(profile, (g = { profile, hat: false, tally: new Tally(), rules: new Map() }));
  return g;
}

function addAccess(groups: Map<string, GroupDraft>, profile: string, access: Access, record: AuditRecord, render: RenderOptions): void {
  if (access.class === 'change_hat') {
    // The fix is the hat itself: its block is proposed, and rules its own denials ask for go in it.
    const hat = groupFor(groups, `${profile}//${access.hat}`);
    hat.hat = true;
    hat.tally.add(record);
    return;
  }
  const group = groupFor(groups, profile);
  group.tally.add(record);
  const key = mergeKey(access, render);
  let draft = group.rules.get(key);
  if (!draft) {
    draft = { access, perms: new Set(), owner: true, tally: new Tally(), operations: new Set(), accesses: [], accessKeys: new Set(), literals: new Map() };
    group.rules.set(key, draft);
  }
  mergeInto(draft, access);
  draft.tally.add(record);
  draft.operations.add(record.operation);
  noteAccess(draft, record);
  const literalKey = render.generalise ? mergeKey(access, { ...render, generalise: false }) : key;
  let literal = draft.literals.get(literalKey);
  if (!literal) draft.literals.set(literalKey, (literal = { access, perms: new Set(), owner: true }));
  mergeInto(literal, access);
}

/** Fields that differ between two logs of the same access. */
const VOLATILE = new Set(['pid', 'tid', 'comm', 'exe', 'ses', 'auid', 'uid', 'gid', 'ppid']);

/** Keeps one record per distinct access, the first MAX_ACCESSES of them. */
function noteAccess(draft: RuleDraft, record: AuditRecord): void {
  if (draft.accesses.length >= MAX_ACCESSES) return;
  let key = '';
  for (const k in record.fields) if (!VOLATILE.has(k)) key += `${k}=${record.fields[k]}\0`;
  if (draft.accessKeys.has(key)) return;
  draft.accessKeys.add(key);
  draft.accesses.push(record);
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
  const latest = d.tally.latest()!;
  return {
    text: rendered.text,
    literals: [...d.literals.values()].map((l) => renderRule(withMerged(l.access, l), literal).text),
    deny: rendered.deny,
    class: d.access.class,
    variables: rendered.variables,
    count: d.tally.count,
    ...(latest.time !== undefined ? { lastSeen: latest.time } : {}),
    operation: latest.operation,
    operations: [...d.operations],
    samples: d.tally.samples,
    accesses: d.accesses,
  };
}

function finishGroup(g: GroupDraft, render: RenderOptions): ProfileProposal {
  const rules = [...g.rules.values()].map((d) => finishRule(d, render));
  rules.sort((a, b) => CLASS_ORDER.indexOf(a.class) - CLASS_ORDER.indexOf(b.class) || a.text.localeCompare(b.text));
  const latest = g.tally.latest();
  return { profile: g.profile, hat: g.hat, rules, count: g.tally.count, ...(latest?.time !== undefined ? { lastSeen: latest.time } : {}) };
}

/**
 * The same event read twice (dmesg and audit.log pasted together) counts once: the audit
 * stamp identifies it. Records without a stamp are all kept. Two generations of keys keep
 * between DEDUPE_WINDOW / 2 and DEDUPE_WINDOW of the latest events.
 */
class EventWindow {
  private current = new Set<string>();
  private previous = new Set<string>();

  isNew(r: AuditRecord): boolean {
    if (r.serial === undefined) return true;
    // Short keys: what the record asked, hashed, beside the stamp that already sets events apart.
    const asked = `${r.operation}:${r.profile}:${r.fields['name']}:${r.fields['requested_mask'] ?? r.fields['requested']}`;
    const key = `${r.serial}:${r.time}:${hash32(asked)}`;
    if (this.current.has(key) || this.previous.has(key)) return false;
    if (this.current.size >= DEDUPE_WINDOW / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(key);
    return true;
  }
}

/** FNV-1a over UTF-16 code units. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
