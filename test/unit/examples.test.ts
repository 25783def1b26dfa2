import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { Linter } from '../../server/src/node/lintFiles';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const PARSER = '/usr/sbin/apparmor_parser';
const INCLUDES = '/etc/apparmor.d';
const haveParser = fs.existsSync(PARSER) && fs.existsSync(path.join(INCLUDES, 'abstractions/base'));

/** Whether apparmor_parser accepts the file, checked without a kernel. */
function parserAccepts(file: string): boolean {
  try {
    execFileSync(PARSER, ['-Q', '-K', '-I', INCLUDES, file], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

// Profiles only: ci/ holds CI set-ups (ciExamples.test.ts).
const files = fs.readdirSync(EXAMPLES).filter((f) => !f.endsWith('.md') && fs.statSync(path.join(EXAMPLES, f)).isFile());

for (const name of files) {
  const file = path.join(EXAMPLES, name);
  const shouldPass = !name.startsWith('broken');
  test(`example ${name} is ${shouldPass ? 'accepted' : 'rejected'} by our checker`, { skip: haveParser ? false : 'needs /etc/apparmor.d abstractions (apt-get install apparmor)' }, () => {
    const linter = new Linter({ includeDirs: [INCLUDES] });
    const errors = linter.lintText(file, fs.readFileSync(file, 'utf8')).diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    if (shouldPass) assert.deepEqual(errors.map((e) => e.message), []);
    else assert.deepEqual(errors.map((e) => [e.code, e.range.start.line + 1]), [['missing-comma', 12], ['unknown-capability', 13], ['write-and-append', 14]]);
  });
  test(`example ${name} is ${shouldPass ? 'accepted' : 'rejected'} by apparmor_parser`, { skip: haveParser ? false : `apparmor_parser is not installed at ${PARSER}` }, () => {
    assert.equal(parserAccepts(file), shouldPass);
  });
}

test('there are examples, among them a Docker container profile', () => {
  assert.ok(files.length >= 4);
  assert.match(fs.readFileSync(path.join(EXAMPLES, 'docker-nginx'), 'utf8'), /profile docker-nginx flags=\(attach_disconnected,mediate_deleted\)/);
});
