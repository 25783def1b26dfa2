/**
 * The access evaluator: `loadPolicy(analyzer, file, profile)` then `evaluate(policy, access)`,
 * with `parseAccess(text)` for accesses written like rules (`r /etc/shadow`).
 */
export { evaluate } from './evaluate';
export { AccessSyntaxError, parseAccess } from './parseAccess';
export type { Query } from './parseAccess';
export { loadPolicy, NoSuchProfile, profileNames } from './policy';
export type { Policy, PolicyFile } from './policy';
export type { ReasonCode, Verdict } from './verdict';
export { classifyDenial } from './classifyDenial';
export type { DenialClass, DenialStatus } from './classifyDenial';
