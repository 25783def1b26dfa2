import type { ScopedRule } from '../logs/ruleSet';

/**
 * Why the verdict is what it is:
 * - `allow-rule`: allow rules grant every permission asked for;
 * - `deny-rule`: an explicit deny rule takes a permission away (deny always wins);
 * - `no-rule`: no rule allows it;
 * - `owner-needed`: only `owner` rules allow it, and the access is not to one's own file;
 * - `exec-no-transition`: `x` is granted but the transition has no profile to go to;
 * - `exec-target-unknown`: `px`/`Px` to a profile not in this file: allowed only if one is loaded;
 * - `not-mediated`: the profile's ABI does not mediate this class, so nothing stops it;
 * - `abi-unknown`: the answer depends on the ABI, and the file declares none;
 * - `out-of-reach`: the answer depends on something no text holds (a variable without a value, `if`, `priority`, `prompt`).
 */
export type ReasonCode =
  | 'allow-rule' | 'deny-rule' | 'no-rule' | 'owner-needed' | 'exec-no-transition' | 'exec-target-unknown'
  | 'not-mediated' | 'abi-unknown' | 'out-of-reach';

export interface Verdict {
  readonly verdict: 'allowed' | 'denied' | 'unknown';
  /**
   * Whether the kernel writes an audit line for it: an allow that an `audit` rule covers, a
   * denial no deny rule quiets (an explicit `deny` without `audit` denies quietly).
   */
  readonly audit: boolean;
  readonly reason: ReasonCode;
  /** The verdict in words, without places (they are in `rules`). */
  readonly message: string;
  /** The rules that decide, each with its place through includes. */
  readonly rules: readonly ScopedRule[];
}

export function allowed(rules: readonly ScopedRule[], message: string, reason: ReasonCode = 'allow-rule'): Verdict {
  return { verdict: 'allowed', audit: rules.some((r) => r.audit), reason, message, rules };
}

export function denied(reason: ReasonCode, message: string, rules: readonly ScopedRule[] = [], audit = true): Verdict {
  return { verdict: 'denied', audit, reason, message, rules };
}

export function unknown(reason: ReasonCode, message: string, rules: readonly ScopedRule[] = []): Verdict {
  return { verdict: 'unknown', audit: false, reason, message, rules };
}

/** An explicit deny logs only when one of the deciding deny rules says `audit`, or something else is missing too. */
export function deniedByRule(rules: readonly ScopedRule[], message: string, alsoUncovered: boolean): Verdict {
  return denied('deny-rule', message, rules, alsoUncovered || rules.some((r) => r.audit));
}
