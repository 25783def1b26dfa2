import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/service/analyze';
import { compareVersions } from '../../server/src/service/data/facts';
import { severityOf } from '../../server/src/service/diagnosticRules';
import { formatReport, runConformance } from '../conformance/run';
import { memoryFs } from '../support/helpers';
import { parser4, PARSER4_MISSING, policyTree, rejection } from '../support/parsers';
import { FILES, VALID } from '../support/snippets';
import { VERSION_CASES, VersionCase } from '../support/versionCases';

/** Stand-ins for what the cases include; the parser reads them from disk beside its own abi/. */
const STUBS: Record<string, string> = { 'tunables/global': '@{HOME}=/home/*/ /root/\n', 'abstractions/base': '  /etc/ld.so.cache r,\n' };
const PROBES = path.resolve(__dirname, '../../../../shared/reference/data/probe_results_3.0.8_vs_master.tsv');

const skip41 = !parser4 ? PARSER4_MISSING : parser4.version.startsWith('4.1.') ? false : `the recorded verdicts are 4.1's; apparmor_parser here is ${parser4.version}`;
/** What the major.minor of the 4.x parser is held against in the comparisons that need no recorded verdict. */
const version4 = parser4?.version.split('.').slice(0, 2).join('.') ?? '4.1';

function caseText(c: VersionCase): string {
  const head = 'abi <abi/4.0>,\ninclude <tunables/global>\n';
  return c.top ? `${head}${c.text}\n` : `${head}profile p {\n  ${c.text}\n}\n`;
}

/** Our checker over the same stand-ins, holding files without an abi line against `abi`. */
function analyzerOver(files: Record<string, string>, abi = version4): Analyzer {
  const inTree = Object.fromEntries(Object.entries(files).map(([name, text]) => [`/etc/apparmor.d/${name}`, text]));
  return new Analyzer({ fs: memoryFs({ ...inTree, '/etc/apparmor.d/abi/3.0': '', '/etc/apparmor.d/abi/4.0': '' }), includeDirs: ['/etc/apparmor.d'], abi });
}

/**
 * What our checker predicts a parser of `version` says: reject on an error, and on a
 * construct newer than it (the checker reads the 5.0 grammar and only warns on those).
 */
function ourVerdict(analyzer: Analyzer, text: string, version: string): string {
  const problems = analyzer.analyze('/work/case', text, false).problems;
  const errors = problems.filter((p) => severityOf(p.code) === 'error').map((p) => p.code);
  if (errors.length > 0) return `reject (${errors.join(', ')})`;
  const newer = problems.find((p) => p.code === 'newer-than-abi' && compareVersions(p.args['since'] ?? '0', version) > 0);
  return newer ? `reject (needs ${newer.args['since']})` : 'accept';
}

/** Our verdict reduced to what a case records: accept, reject, or reject for being newer. */
function expectedOf(c: VersionCase): string {
  if (c.deliberate) return c.parser41 === 'accept' ? 'reject' : 'accept';
  return c.since ? `reject (needs ${c.since})` : c.parser41;
}
const reduced = (verdict: string): string => (verdict.startsWith('reject (needs') ? verdict : verdict.split(' ')[0]!);

test(`our checker gives apparmor_parser 4.1's recorded verdict on ${VERSION_CASES.length} constructs of 4.0, 4.1 and 5.0`, () => {
  const analyzer = analyzerOver(STUBS);
  const wrong = VERSION_CASES.filter((c) => reduced(ourVerdict(analyzer, caseText(c), '4.1')) !== expectedOf(c));
  assert.deepEqual(wrong.map((c) => `${c.text}: we say ${ourVerdict(analyzer, caseText(c), '4.1')}, expected ${expectedOf(c)}`), []);
});

test('apparmor_parser 4.1 gives the recorded verdicts', { skip: skip41 }, () => {
  const tree = policyTree(parser4!, STUBS);
  try {
    const wrong = VERSION_CASES.flatMap((c) => {
      const message = rejection(parser4!, caseText(c), { policy: tree.dir });
      return (message ? 'reject' : 'accept') === c.parser41 ? [] : [`${c.text}: recorded ${c.parser41}, parser says ${message ?? 'accept'}`];
    });
    assert.deepEqual(wrong, []);
  } finally {
    tree.dispose();
  }
});

test(`the valid constructs of every version: apparmor_parser 4.x and our checker agree on each`, { skip: parser4 ? false : PARSER4_MISSING }, () => {
  const files = Object.fromEntries(Object.entries(FILES).filter(([name]) => !name.includes('/abi/')).map(([name, text]) => [name.replace('/etc/apparmor.d/', ''), text]));
  const analyzer = analyzerOver(files);
  const tree = policyTree(parser4!, files);
  try {
    const wrong = VALID.flatMap(([name, text]) => {
      const message = rejection(parser4!, text.replaceAll('/etc/apparmor.d/', `${tree.dir}/`), { policy: tree.dir });
      const ours = ourVerdict(analyzer, text, version4);
      // 5.0 constructs are valid to our checker and warned about under an older abi.
      return (message ? 'reject' : 'accept') === ours.split(' ')[0] ? [] : [`${name}: we say ${ours}, apparmor_parser ${version4} ${message ?? 'accepts'}`];
    });
    assert.deepEqual(wrong, []);
  } finally {
    tree.dispose();
  }
});

test('the reference probes: our verdict under abi 4.x is apparmor_parser 4.x\'s', { skip: !parser4 ? PARSER4_MISSING : fs.existsSync(PROBES) ? false : `no probe table at ${PROBES}` }, () => {
  // The probes' own stand-ins (see probes.test.ts): a base that uses a tunable it does not define.
  const files = { 'abstractions/base': '  @{HOMEDIRS}/ r,\n', 'tunables/global': '' };
  const analyzer = analyzerOver(files);
  const tree = policyTree(parser4!, files);
  // `abi <kernel>,` reads the running kernel's features: without AppArmor in the kernel the parser refuses it.
  const kernel = fs.existsSync('/sys/kernel/security/apparmor/features');
  try {
    const wrong: string[] = [];
    for (const line of fs.readFileSync(PROBES, 'utf8').split('\n').slice(1)) {
      const [name, , , , input] = line.split('\t');
      if (!name || !input || (!kernel && input.includes('abi <kernel>'))) continue;
      const text = input.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
      const message = rejection(parser4!, text, { policy: tree.dir });
      const ours = ourVerdict(analyzer, text, version4);
      if ((message ? 'reject' : 'accept') !== ours.split(' ')[0]) wrong.push(`${name}: we say ${ours}, apparmor_parser ${message ?? 'accepts'}`);
    }
    assert.deepEqual(wrong, []);
  } finally {
    tree.dispose();
  }
});

test('our verdicts agree with apparmor_parser 4.x on the profiles its package ships and mutations of them', { skip: parser4 ? false : PARSER4_MISSING, timeout: 300_000 }, async () => {
  // abi 4.0 throughout, with userns and `allow all` in about 100 of them.
  const tree = parser4!.policy;
  const report = await runConformance({ dirs: [tree], includeDirs: [tree], base: tree, parser: parser4!.path, perFile: 4, seed: 1 });
  const text = formatReport(report);
  assert.ok(report.cases - report.mutated >= 20, `only ${report.cases - report.mutated} profiles in ${tree}`);
  assert.equal(report.byKind['original']?.agreements, report.byKind['original']?.cases, text);
  assert.ok(report.agreements / report.cases >= 0.98, text);
});
