import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import { collectFiles, Linter } from '../../server/src/node/lintFiles';
import type { DiagnosticCode } from '../../server/src/service/diagnosticRules';

/** The shared corpus of real profiles, read in place where this checkout has it beside it. */
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const TREE = path.join(CORPUS, 'apparmor.d');
const present = fs.existsSync(path.join(CORPUS, 'EXPECTED.tsv'));
const skip = present ? false : `no shared corpus at ${CORPUS}`;

const KIND_TO_CODE: Record<string, DiagnosticCode> = {
  syntax: 'missing-comma',
  'undefined-variable': 'variable-undefined',
  'conflicting-exec-modes': 'exec-conflict',
};

test('the real-profile corpus: no false errors, and every invalid profile caught for its reason', { skip }, () => {
  const expected = new Map<string, { verdict: string; kind: string }>();
  for (const line of fs.readFileSync(path.join(CORPUS, 'EXPECTED.tsv'), 'utf8').split('\n').slice(1)) {
    const [file, verdict, kind] = line.split('\t');
    if (file) expected.set(file, { verdict: verdict!, kind: kind ?? '' });
  }
  const linter = new Linter({ includeDirs: [TREE], base: TREE });
  const { files } = collectFiles([TREE]);
  const falseErrors: string[] = [];
  let profiles = 0;
  let fragments = 0;
  for (const file of files) {
    const rel = path.relative(CORPUS, file);
    const { diagnostics } = linter.lintText(file, fs.readFileSync(file, 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    const exp = expected.get(rel);
    if (exp) profiles++; else fragments++;
    if (exp?.verdict === 'invalid') {
      const want = KIND_TO_CODE[exp.kind];
      assert.ok(errors.some((e) => e.code === want), `${rel}: expected ${want}, got ${errors.map((e) => e.code).join(', ') || 'nothing'}`);
      assert.equal(errors.length, 1, `${rel}: ${errors.map((e) => Diagnostic.getMessageString(e)).join(' | ')}`);
      if (rel.endsWith('pg_dropcluster')) assert.equal(errors[0]!.range.start.line + 1, 46);
    } else {
      for (const e of errors) falseErrors.push(`${rel}:${e.range.start.line + 1}: ${Diagnostic.getMessageString(e)}`);
    }
  }
  assert.deepEqual(falseErrors.slice(0, 20), [], `${falseErrors.length} false errors`);
  assert.equal(profiles, 1687);
  assert.ok(fragments >= 500, `only ${fragments} abstraction/tunables files were checked`);
});
