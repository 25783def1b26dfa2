/**
 * What a logged denial means for the profile as it is now: already allowed (the loaded
 * policy is older, or another profile asked), blocked by an explicit deny rule (a new allow
 * rule would change nothing), allowed only for one's own files, granted `x` with no profile
 * to go to, or open: the proposed rule is what it lacks.
 */
import { isAccess } from '../logs/access';
import type { AuditRecord } from '../logs/auditRecord';
import { describeAccess } from '../logs/describeAccess';
import type { ScopedRule } from '../logs/ruleSet';
import { evaluate } from './evaluate';
import type { Policy } from './policy';
import type { Verdict } from './verdict';

export type DenialStatus = 'allowed' | 'blocked' | 'owner-needed' | 'transition-needed' | 'unknown' | 'open';

export interface DenialClass {
  readonly status: DenialStatus;
  readonly message: string;
  readonly rules: readonly ScopedRule[];
}

/** The most telling first: a deny rule explains everything else away. */
const ORDER: readonly DenialStatus[] = ['blocked', 'transition-needed', 'owner-needed', 'unknown', 'open', 'allowed'];

function statusOf(v: Verdict): DenialStatus {
  if (v.verdict === 'allowed') return 'allowed';
  if (v.verdict === 'unknown') return 'unknown';
  switch (v.reason) {
    case 'deny-rule': return 'blocked';
    case 'owner-needed': return 'owner-needed';
    case 'exec-no-transition': return 'transition-needed';
    default: return 'open';
  }
}

/** The class of the records behind one proposed rule: the most telling of theirs. */
export function classifyDenial(policy: Policy, records: readonly AuditRecord[]): DenialClass {
  let worst: { status: DenialStatus; verdict: Verdict } | undefined;
  const allowing = new Set<ScopedRule>();
  for (const record of records) {
    const access = describeAccess(record);
    if (!isAccess(access)) continue;
    const verdict = evaluate(policy, access);
    const status = statusOf(verdict);
    if (status === 'allowed') for (const r of verdict.rules) allowing.add(r);
    if (!worst || ORDER.indexOf(status) < ORDER.indexOf(worst.status)) worst = { status, verdict };
  }
  if (!worst) return { status: 'unknown', message: 'the records describe no access to evaluate', rules: [] };
  if (worst.status === 'allowed') return { status: 'allowed', message: `the profile as it is now allows it (${worst.verdict.message})`, rules: [...allowing] };
  return { status: worst.status, message: worst.verdict.message, rules: worst.verdict.rules };
}
