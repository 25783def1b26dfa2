import * as fs from 'fs';
import * as nodePath from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { DIAGNOSTIC_RULES, DiagnosticRule } from '../service/diagnosticRules';
import { uriToPath } from '../service/uri';
import type { Report } from './format';
import type { Output } from './output';

declare const APPARMOR_LINT_VERSION: string | undefined;

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const LEVEL: Readonly<Record<string, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
const CODES = Object.keys(DIAGNOSTIC_RULES);
const INDEX = new Map(CODES.map((c, i) => [c, i]));

/**
 * SARIF 2.1.0, one run: every diagnostic code is a rule with its help text (so code
 * scanning can explain a finding), every finding a result. Paths under the working
 * folder are relative to `%SRCROOT%`, as GitHub expects; results are written as they come.
 */
export function sarifReport(out: Output, cwd: string = process.cwd()): Report {
  let results = 0;
  const root = pathToFileURL(cwd.endsWith('/') ? cwd : `${cwd}/`).href;
  const head = {
    $schema: SCHEMA,
    version: '2.1.0',
  };
  const driver = {
    name: 'apparmor-lint',
    version: typeof APPARMOR_LINT_VERSION === 'string' ? APPARMOR_LINT_VERSION : '0.0.0-dev',
    rules: CODES.map(sarifRule),
  };
  const json = JSON.stringify(head);
  out.write(`${json.slice(0, -1)},"runs":[{"tool":{"driver":${JSON.stringify(driver)}},"columnKind":"utf16CodeUnits","originalUriBaseIds":{"%SRCROOT%":{"uri":${JSON.stringify(root)}}},"results":[`);
  return {
    file(f) {
      const location = artifact(f.path, cwd);
      for (const d of f.diagnostics) out.write(`${results++ > 0 ? ',' : ''}${JSON.stringify(sarifResult(d, location, cwd))}`);
    },
    end() {
      out.line(']}]}');
    },
  };
}

function sarifRule(code: string): object {
  const rule = (DIAGNOSTIC_RULES as Record<string, DiagnosticRule>)[code]!;
  const text = helpText(rule.message);
  return {
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: /^.*?[.?!](?=\s|$)/.exec(text)?.[0] ?? text },
    fullDescription: { text },
    help: { text: `${text}\n\nReported by apparmor-lint as '${code}'. Silence it on one line with '#aa:lint ignore=${code}', or for a project with "severity": {"${code}": "off"} in .apparmor-lint.json.` },
    defaultConfiguration: { level: LEVEL[rule.severity] ?? 'warning' },
  };
}

/** A message template as a description: hints dropped, other places named `<name>`. */
function helpText(message: string): string {
  return message.replace(/\{(hint|where|change)\}/g, '').replace(/\{(\w+)\}/g, '<$1>');
}

interface ArtifactLocation { uri: string; uriBaseId?: string }

function artifact(path: string, cwd: string): ArtifactLocation {
  if (path === '-') return { uri: 'stdin' };
  const abs = nodePath.resolve(cwd, path);
  // A file named through a symbolic link (to the checkout, or to a folder in it) is under the
  // working folder all the same, whose name the process knows only as a real path.
  const rel = within(cwd, abs) ?? within(realPath(cwd), realPath(abs));
  if (rel !== undefined) return { uri: rel.split(nodePath.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(abs).href };
}

/** The path of `file` relative to `dir`, or undefined when it lies outside. */
function within(dir: string, file: string): string | undefined {
  const rel = nodePath.relative(dir, file);
  return rel === '..' || rel.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(rel) ? undefined : rel;
}

function realPath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}

function sarifResult(d: Diagnostic, location: ArtifactLocation, cwd: string): object {
  const code = String(d.code ?? 'unknown');
  return {
    ruleId: code,
    ...(INDEX.has(code) ? { ruleIndex: INDEX.get(code) } : {}),
    level: LEVEL[severity(d.severity)] ?? 'error',
    message: { text: d.message },
    locations: [{ physicalLocation: { artifactLocation: location, region: region(d) } }],
    ...(d.relatedInformation?.length
      ? { relatedLocations: d.relatedInformation.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: artifact(uriToPath(r.location.uri), cwd), region: region({ range: r.location.range }) } })) }
      : {}),
  };
}

function severity(s: DiagnosticSeverity | undefined): string {
  return s === DiagnosticSeverity.Warning ? 'warning' : s === DiagnosticSeverity.Information ? 'information' : s === DiagnosticSeverity.Hint ? 'hint' : 'error';
}

/** 1-based lines and columns; an empty range still covers one column, as SARIF regions must not end before they start. */
function region(d: Pick<Diagnostic, 'range'>): object {
  const { start, end } = d.range;
  const endColumn = end.line === start.line ? Math.max(end.character, start.character + 1) + 1 : end.character + 1;
  return { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn };
}
