/** What the denials view says about each profile and rule, as plain text and Markdown. */
import type { DenialGroup, DenialRule, DenialsResult } from '../../../server/src/protocol';

export interface ItemText {
  readonly label: string;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
}

export interface ViewSummary {
  /** Beside the view's title: where the log came from. */
  readonly description: string;
  /** Above the tree: the counts, and what could not be read or fixed. */
  readonly message: string;
  /** Rules the located files do not allow yet. */
  readonly badge: number;
}

const MAX_OPERATIONS = 3;

export function groupText(group: DenialGroup, now: number): ItemText {
  const ops = group.operations.length > MAX_OPERATIONS ? [...group.operations.slice(0, MAX_OPERATIONS), '…'] : group.operations;
  const parts = [plural(group.count, 'denial'), formatSeen(group.lastSeen, now), ops.join(', ')];
  if (!group.target) parts.push('no profile file found');
  const where = group.target
    ? `In ${code(fileName(group.target.uri))}${group.target.matchedBy === 'attachment' ? `, found by attachment as ${code(group.target.profile)}` : ''}` +
      `${group.target.blockExists ? '' : ` (the ${group.hat ? 'hat' : 'child profile'} is created when a rule is added)`}.`
    : 'No file in the workspace or the include folders defines this profile: adding a rule offers to create one.';
  const tooltip = [`**${escapeMarkdown(group.profile)}**${group.hat ? ' (hat)' : ''}`, where, `${plural(group.rules.length, 'rule')} proposed; operations: ${group.operations.join(', ') || 'none'}.`];
  return { label: group.profile, description: parts.filter((p) => p !== '').join(' · '), tooltip: tooltip.join('\n\n') };
}

export function ruleText(rule: DenialRule, now: number): ItemText {
  const seen = formatSeen(rule.lastSeen, now);
  const description = [`${rule.count}× ${rule.operation}`, seen, statusWords(rule), rule.conflict ? 'conflicts with the file' : ''].filter((p) => p !== '').join(' · ');
  const lines = [code(rule.text), `Deny instead: ${code(rule.deny)}`];
  if (rule.literals.length > 0 && rule.literals.join('\n') !== rule.text) lines.push(`As logged: ${rule.literals.map(code).join(', ')}`);
  lines.push(`${plural(rule.count, 'record')}${seen ? `, last ${seen}` : ''}; ${rule.operations.join(', ')}.`);
  if (rule.verdict && rule.verdict.status !== 'open') lines.push(verdictTooltip(rule));
  else if (rule.allowed) lines.push('The profile file already allows this: the loaded policy is older than the file. Load it again.');
  if (rule.conflict) lines.push(`Added as it is, the profile would not load: ${escapeMarkdown(rule.conflict)}`);
  for (const s of rule.samples) lines.push(`Log line ${s.line}: ${code(describeFields(s.fields))}`);
  return { label: rule.text, description, tooltip: lines.join('\n\n') };
}

/** The fields that tell one record from another, in the kernel's order, without the routine ones. */
function describeFields(fields: Readonly<Record<string, string>>): string {
  const skip = new Set(['apparmor', 'profile', 'label', 'class', 'type', 'msg']);
  return Object.entries(fields).filter(([k]) => !skip.has(k)).map(([k, v]) => `${k}=${/[\s"]/.test(v) || v === '' ? JSON.stringify(v) : v}`).join(' ');
}

export function summarize(result: DenialsResult, source: string): ViewSummary {
  const rules = result.groups.reduce((n, g) => n + g.rules.length, 0);
  const open = result.groups.reduce((n, g) => n + g.rules.filter((r) => !r.allowed && r.verdict?.status !== 'allowed' && !isBlocked(r)).length, 0);
  const parts = [result.groups.length === 0
    ? `No denials in ${plural(result.records, 'AppArmor record')}.`
    : `${plural(rules, 'rule')} for ${plural(result.groups.length, 'profile')} from ${plural(result.records, 'AppArmor record')}.`];
  if (result.unparsed > 0) parts.push(`${plural(result.unparsed, 'line')} could not be read (see Output › AppArmor).`);
  if (result.skipped.length > 0) parts.push(`${plural(result.skipped.length, 'denial')} no rule can fix (see Output › AppArmor).`);
  return { description: source, message: parts.join(' '), badge: open };
}

/** "just now", "5 min ago", "3 h ago", else the local date and time; '' when the log had no times. */
export function formatSeen(ms: number | undefined, now: number): string {
  if (ms === undefined) return '';
  const ago = Math.max(0, now - ms);
  if (ago < 60_000) return 'just now';
  if (ago < 3_600_000) return `${Math.floor(ago / 60_000)} min ago`;
  if (ago < 86_400_000) return `${Math.floor(ago / 3_600_000)} h ago`;
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A file name for a new profile, as the packages name them: `/usr/bin/foo` → `usr.bin.foo`. */
export function suggestedFileName(profile: string): string {
  const top = profile.split('//')[0] ?? profile;
  const name = top.replace(/^\/+/, '').replace(/\//g, '.').replace(/[^\w.@+-]/g, '_');
  return name === '' || name.startsWith('.') ? `profile${name}` : name;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** An inline code span that holds any text, backticks included. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

/** The first deciding rule's line, 1-based, for short descriptions. */
function firstLine(rule: DenialRule): string {
  const r = rule.verdict?.rules[0];
  return r ? ` at line ${r.range.start.line + 1}` : '';
}

/** The evaluator's class of a denial, in a few words for the view. */
function statusWords(rule: DenialRule): string {
  switch (rule.verdict?.status) {
    case 'allowed': return `allowed by the file${firstLine(rule)}: reload the profile`;
    case 'blocked': return `blocked by a deny rule${firstLine(rule)}`;
    case 'owner-needed': return `needs owner${firstLine(rule)}`;
    case 'transition-needed': return `needs a transition target${firstLine(rule)}`;
    case 'unknown': return 'cannot tell from the file';
    case 'open': return '';
    default: return rule.allowed ? 'allowed by the file: reload the profile' : '';
  }
}

function verdictTooltip(rule: DenialRule): string {
  const v = rule.verdict!;
  const extra = v.status === 'blocked'
    ? ' An allow rule cannot change that: a deny rule always wins. Open the deny rule to read it; removing it is a separate, explicit action.'
    : v.status === 'allowed' ? ' The loaded policy is older than the file, or another profile asked: load it again.' : '';
  const head = v.status === 'blocked' ? 'Blocked' : v.status === 'allowed' ? 'Already allowed' : v.status === 'owner-needed' ? 'Needs owner'
    : v.status === 'transition-needed' ? 'Needs a transition target' : 'Cannot tell';
  return `${head}: ${escapeMarkdown(v.message)}.${extra}`;
}

/** Whether Add Rule has anything to offer: a deny rule makes an allow rule useless. */
export function isBlocked(rule: DenialRule): boolean {
  return rule.verdict?.status === 'blocked';
}
