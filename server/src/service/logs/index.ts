/**
 * From the kernel's AppArmor log lines to profile rules: pure functions over text and
 * syntax trees, for the command line, the language server and editor views alike.
 */
export type { AuditRecord, LogForm, ParsedLog, UnparsedLine } from './auditRecord';
export { parseLog } from './parseLog';
export type { Access, AccessClass } from './access';
export { describeAccess } from './describeAccess';
export { proposeRules } from './proposeRules';
export type { ProfileProposal, ProposedRule, ProposeOptions, Proposals, SkippedRecord } from './proposeRules';
export { generalisePath } from './generalise';
export { blockOf, splitProfile } from './profileName';
export { matchesGlob, expandVariables } from './glob';
export type { Variables } from './glob';
export { findBlocks, ruleSetOf } from './ruleSet';
export type { RuleSet, ScopedRule } from './ruleSet';
export { allowsAccess, allowsRecord } from './allows';
export { insertRules } from './insertRules';
export type { InsertOptions } from './insertRules';
