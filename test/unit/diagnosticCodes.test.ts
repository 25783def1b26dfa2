import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import type { Problem } from '../../server/src/service/checks/problems';
import { DIAGNOSTIC_RULES, type DiagnosticCode, isDiagnosticCode } from '../../server/src/service/diagnosticRules';
import { foldUnresolved } from '../../server/src/service/foldUnresolved';
import { checkTargetAbis } from '../../server/src/service/checks/checkTargetAbi';
import { applyLintPolicy } from '../../server/src/service/lintPolicy';
import { parse } from '../../server/src/service/parser';
import { MAX_INCLUDE_DEPTH } from '../../server/src/service/includes';
import { diagnoseExpectations } from '../../server/src/service/features/diagnoseExpectations';
import { LineIndex } from '../../server/src/service/diagnostics';
import { memoryFs } from '../support/helpers';
import { analyzeFixture, fixtureAnalyzer, fixturesIn, PARSER_FIXTURES, POLICY_ROOT, REPO_ROOT } from '../support/parserFixtures';

const GRAMMAR_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/grammar');

/** The codes the fixture files produce: the parser's and the grammar's, checked in the fixtures' policy tree. */
function fixtureCodes(): Map<DiagnosticCode, string> {
  const analyzer = fixtureAnalyzer();
  const seen = new Map<DiagnosticCode, string>();
  for (const dir of [PARSER_FIXTURES, GRAMMAR_FIXTURES]) {
    for (const file of fixturesIn(dir)) {
      const { analysis } = analyzeFixture(analyzer, dir, file);
      for (const p of analysis.problems) if (!seen.has(p.code)) seen.set(p.code, file);
      // What the editor shows when the include search path is wrong: the server folds these.
      for (const p of foldUnresolved(analysis.problems, [POLICY_ROOT])) if (!seen.has(p.code)) seen.set(p.code, `${file}, folded`);
    }
  }
  return seen;
}

/**
 * What a fixture file cannot hold: an include that cannot be read, a chain of includes
 * deeper than the limit, and no include search path at all.
 */
function contextCodes(): Problem[] {
  const files: Record<string, string> = { [`${POLICY_ROOT}/abstractions/locked`]: '' };
  for (let i = 0; i <= MAX_INCLUDE_DEPTH; i++) files[`${POLICY_ROOT}/abstractions/c${i}`] = `  include <abstractions/c${i + 1}>\n`;
  const inner = memoryFs(files);
  const locked = (p: string): boolean => p.endsWith('/locked');
  const fs = { ...inner, readFile: (p: string) => (locked(p) ? undefined : inner.readFile(p)), readError: (p: string) => (locked(p) ? 'permission denied' : undefined) };
  const text = 'profile p {\n  include <abstractions/locked>\n  include if exists <abstractions/locked>\n  include <abstractions/c0>\n}\n';
  const withTree = new Analyzer({ fs, includeDirs: [POLICY_ROOT] }).analyze('/srv/p', text).problems;
  const withoutPath = new Analyzer({ fs: memoryFs({}), includeDirs: [] }).analyze('/srv/p', 'include <tunables/global>\nprofile p { }\n').problems;
  return [...withTree, ...withoutPath];
}

/** What a project's policy adds (apparmor-lint's --target-abi and suppressions), not the file alone. */
function policyCodes(): string[] {
  const targets = checkTargetAbis(parse('profile p {\n  userns,\n}\n').ast, [{ name: '3.0', version: '3.0' }]).map((p) => p.code);
  const text = '#aa:lint ignore=no-such-code\nprofile p {\n  capability chown, #aa:lint ignore=missing-comma\n}\n';
  const suppressions = applyLintPolicy(text, [], { reportUnusedSuppressions: true }).map((d) => String(d.code));
  return [...targets, ...suppressions];
}

/** What an expectations file (`apparmor-lint --test`, `*.apparmor-test`) reports. */
function expectationCodes(): Problem[] {
  const analyzer = new Analyzer({ fs: memoryFs({ '/t/p': 'profile p {\n  /etc/x r,\n}\n' }), includeDirs: [] });
  const text = 'allow p w /etc/x\nallow ghost r /x\nnot a line\nfile nowhere\nallow p r /etc/x\n';
  return diagnoseExpectations(analyzer, '/t/p.apparmor-test', text, new LineIndex(text));
}

test('every diagnostic code is produced by at least one fixture', () => {
  const seen = fixtureCodes();
  for (const p of expectationCodes()) if (!seen.has(p.code)) seen.set(p.code, 'an expectations file made in the test');
  for (const p of contextCodes()) if (!seen.has(p.code)) seen.set(p.code, 'a file system made in the test');
  for (const c of policyCodes()) if (isDiagnosticCode(c) && !seen.has(c)) seen.set(c, 'a project policy made in the test');
  const never = Object.keys(DIAGNOSTIC_RULES).filter((c) => isDiagnosticCode(c) && !seen.has(c));
  assert.deepEqual(never, [], `codes no fixture produces: add a line to a file in test/fixtures/parser/ (then UPDATE_GOLDEN=1), or remove the code`);
});

test('the context the fixture files cannot hold gives the codes it is there for', () => {
  const codes = new Set(contextCodes().map((p) => p.code));
  for (const code of ['include-unreadable', 'include-unreadable-skipped', 'include-too-deep', 'include-unresolved'] as const) assert.ok(codes.has(code), code);
});

test('a code is one of the table or nothing', () => {
  assert.equal(isDiagnosticCode('missing-comma'), true);
  for (const other of ['missing_comma', 'constructor', '__proto__', 'toString', '', 3, undefined]) assert.equal(isDiagnosticCode(other), false, String(other));
});
