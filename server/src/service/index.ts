/** The AppArmor language service: pure functions over text, no transport. */
export * from './ast';
export { parse, ParseOptions } from './parser';
export { reparse, TextEdit } from './reparse';
export { Analyzer, AnalyzeOptions, FileAnalysis, isFragmentPath } from './analyze';
export { FileSystem, IncludeSearch, isSkippedName, resolveInclude } from './includes';
export { checkAst } from './checks/checkAst';
export { declaredAbi } from './checks/checkVersions';
export { DIAGNOSTIC_RULES, DiagnosticCode, formatMessage, severityOf } from './diagnosticRules';
export { LineIndex, toDiagnostics } from './diagnostics';
export type { Problem } from './checks/problems';
