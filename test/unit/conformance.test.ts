import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { formatReport, profileFiles, runConformance } from '../conformance/run';

const PARSER = '/usr/sbin/apparmor_parser';
const DIRS = ['/etc/apparmor.d', '/usr/share/apparmor/extra-profiles'].filter((d) => fs.existsSync(d));
const reason = !fs.existsSync(PARSER)
  ? `apparmor_parser is not installed at ${PARSER} (apt-get install apparmor apparmor-profiles)`
  : profileFiles(DIRS).length < 20 ? 'too few installed profiles to mutate (apt-get install apparmor-profiles)' : false;

test('our verdicts agree with apparmor_parser on installed profiles and over 1,000 mutations of them', { skip: reason, timeout: 600_000 }, async () => {
  const report = await runConformance({ dirs: DIRS, includeDirs: ['/etc/apparmor.d'], base: '/etc/apparmor.d', parser: PARSER, perFile: 8, seed: 1 });
  const text = formatReport(report);
  console.log(text);
  assert.ok(report.mutated >= 1000, `only ${report.mutated} mutated profiles`);
  assert.ok(report.agreements / report.cases >= 0.98, text);
  // The unmutated profiles are valid: any error we report on them is a false positive.
  assert.equal(report.byKind['original']?.agreements, report.byKind['original']?.cases, text);
});
