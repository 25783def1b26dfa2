/**
 * The AppArmor language service: pure functions over text, no transport. Hosts (the
 * language server, the command line, tests) start from here: getLanguageService() for the
 * editor features, Analyzer for diagnostics.
 */
export {
  getLanguageService, isRefusal, CompletionRequest, EXPECTATIONS_LANGUAGE, LanguageService, RenameRefusal, ServiceHost, Snapshot, TextSnapshot,
} from './languageService';
export type { FormatOptions } from './features/format';
export type { OtherFile } from './features/doRename';
export type { CompletionSupport } from './features/doComplete';
export { IncludeGraph } from './includeGraph';
export type { ParsedInclude, ParseStore } from './includeGraph';
export { MAX_POLICY_FILE_BYTES } from './policyTree';
export { pathToUri, uriToPath } from './uri';
export { WorkspaceIndex } from './workspaceIndex';
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
// The access evaluator, a library of its own: does a profile allow an access, and which lines decide.
export * from './evaluate';
