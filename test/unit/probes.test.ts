import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { severityOf } from '../../server/src/service/diagnosticRules';
import { memoryFs } from '../support/helpers';

/**
 * About 200 small snippets with the verdict of apparmor_parser built from upstream's
 * 6.0 development tree (the 5.0 grammar), from the shared reference notes, read in place.
 */
const PROBES = path.resolve(__dirname, '../../../../shared/reference/data/probe_results_3.0.8_vs_master.tsv');
const skip = fs.existsSync(PROBES) ? false : `no probe table at ${PROBES}`;

function decode(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

test('our accept/reject matches apparmor_parser (5.0 grammar) on every reference probe', { skip }, () => {
  // Stand-ins for the probes' includes; like Debian's, this base uses a tunable it does not define.
  const fsys = memoryFs({ '/etc/apparmor.d/abstractions/base': '  @{HOMEDIRS}/ r,\n', '/etc/apparmor.d/tunables/global': '', '/etc/apparmor.d/abi/3.0': '' });
  const analyzer = new Analyzer({ fs: fsys, includeDirs: ['/etc/apparmor.d'] });
  const disagreements: string[] = [];
  let total = 0;
  for (const line of fs.readFileSync(PROBES, 'utf8').split('\n').slice(1)) {
    const [name, , master, , input] = line.split('\t');
    if (!input || !master) continue;
    total++;
    const problems = analyzer.analyze('/tmp/case.sd', decode(input), false).problems;
    const ours = problems.some((p) => severityOf(p.code) === 'error') ? 'REJECT' : 'ACCEPT';
    if (ours !== master) disagreements.push(`${name}: parser ${master}, we ${ours} (${problems.map((p) => p.code).join(', ')})`);
  }
  assert.ok(total > 150, `only ${total} probes read`);
  assert.deepEqual(disagreements, []);
});
