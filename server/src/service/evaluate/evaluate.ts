/**
 * Does this profile allow this access, and which lines decide? Answered from the text
 * alone, as the kernel would answer it; where the text cannot tell, the verdict is
 * `unknown`, never a guess.
 */
import type { Access } from '../logs/access';
import { evaluateConds } from './evaluateConds';
import { evaluateFile } from './evaluateFile';
import type { Policy } from './policy';
import { allowed, denied, unknown, Verdict } from './verdict';

/** Verdicts already given, by policy and access: a log asks the same thing many times. */
const memo = new WeakMap<Policy, Map<string, Verdict>>();
const MAX_MEMO = 20_000;

export function evaluate(policy: Policy, access: Access): Verdict {
  let known = memo.get(policy);
  if (!known) {
    known = new Map();
    memo.set(policy, known);
  }
  const key = JSON.stringify(access);
  let verdict = known.get(key);
  if (!verdict) {
    verdict = decide(policy, access);
    if (known.size >= MAX_MEMO) known.clear();
    known.set(key, verdict);
  }
  return verdict;
}

function decide(policy: Policy, access: Access): Verdict {
  switch (access.class) {
    case 'file': return evaluateFile(policy, access);
    case 'change_hat': return policy.set.children.includes(access.hat)
      ? allowed([], `the hat '${access.hat}' exists`) : denied('no-rule', `the profile has no hat '${access.hat}'`);
    default:
      try {
        return evaluateConds(policy, access);
      } catch (e) {
        return unknown('out-of-reach', `cannot evaluate ${access.class}: ${(e as Error).message}`);
      }
  }
}
