/**
 * From the kernel's AppArmor log lines to profile rules: pure functions over text and
 * syntax trees, for the command line, the language server and editor views alike.
 *
 *   parseLog(text)                      → records (+ unreadable lines); LogReader: the
 *                                         same a line at a time, for logs of any length
 *   proposeRules(records, options)      → per profile/hat/child: rules with count, last
 *                                         seen, operations, literal and deny forms;
 *                                         RuleCollector: the same a record at a time
 *   insertRules(text, ast, profile, rules) → TextEdits placing them in the right block
 *   ruleSetOf(analyzer, path, ast, profile) + allowsRecord(set, record)
 *                                       → whether a profile now allows what was logged
 */
export type { AuditRecord, LogForm, ParsedLog, UnparsedLine } from './auditRecord';
export { LogReader, parseLog } from './parseLog';
export type { Access, AccessClass } from './access';
export { describeAccess } from './describeAccess';
export { proposeRules, RuleCollector } from './proposeRules';
export type { ProfileProposal, ProposedRule, ProposeOptions, Proposals, SkippedRecord } from './proposeRules';
export { generalisePath } from './generalise';
export { blockOf, splitProfile } from './profileName';
export { matchesGlob, expandVariables } from './glob';
export type { Variables } from './glob';
export { findBlocks, ruleSetOf } from './ruleSet';
export type { RuleSet, ScopedRule } from './ruleSet';
export { allowsAccess, allowsRecord } from './allows';
export { insertIntoFragment, insertRules } from './insertRules';
export type { InsertOptions } from './insertRules';
