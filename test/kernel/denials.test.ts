import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../server/src/service/analyze';
import { formatMessage, severityOf } from '../../server/src/service/diagnosticRules';
import { parseLog, proposeRules } from '../../server/src/service/logs';
import { nodeFileSystem } from '../../server/src/node/nodeFileSystem';
import { CaseResult, CASES, MARKER_PROFILE, runCases } from './cases';
import { APPARMOR, VM_DIR } from './env';
import { lintDenials } from './lint';
import { kernelSuite } from './kernelSuite';
import { load, withMode, withRules } from './profileText';

/**
 * The loop Docker's guide teaches, with the kernel as the judge: a confined program makes
 * one access of each class; in enforce mode the kernel refuses it and logs DENIED, in
 * complain mode it lets it through and logs ALLOWED. `apparmor-lint --denials` on those
 * lines proposes rules, which are added as the denials view's Add Rule adds them; after a
 * reload the same accesses must succeed and log nothing. An access that needs more than
 * one rule (a library after the exec) may take further rounds from the new DENIED lines.
 */

const BASE = `abi <abi/3.0>,
include <tunables/global>

profile aak-probe /opt/t/probe {
  /opt/t/probe mr,
}

profile aak-other {
  /opt/t/probe mr,
  /proc/*/attr/current r,
}
`;

const MAX_ROUNDS = 6;

interface Row {
  name: string;
  enforce: CaseResult;
  complain: CaseResult;
  rules: Set<string>;
  rounds: number;
  final?: CaseResult;
}

kernelSuite('denials judged by a real AppArmor kernel', (test, vm) => {
  test('every mediated class: DENIED in enforce, ALLOWED in complain, allowed once the proposed rules are added', async (t) => {
    await load(vm(), MARKER_PROFILE);
    await load(vm(), BASE);
    const enforce = await runCases(vm(), CASES);
    await load(vm(), withMode(BASE, 'complain'));
    const complain = await runCases(vm(), CASES);
    const rows: Row[] = CASES.map((c, i) => ({ name: c.name, enforce: enforce[i]!, complain: complain[i]!, rules: new Set(), rounds: 0 }));

    let text = BASE;
    let pending = rows.filter((r) => !(r.enforce.passed && r.enforce.lines.length === 0));
    let lines = pending.flatMap((r) => [...r.enforce.lines, ...r.complain.lines]);
    const loadErrors: string[] = [];
    const checkerErrors: string[] = [];
    for (let round = 1; round <= MAX_ROUNDS && pending.length > 0 && lines.length > 0; round++) {
      for (const r of pending) {
        r.rounds = round;
        for (const rule of proposalsOf(round === 1 ? [...r.enforce.lines, ...r.complain.lines] : r.final?.lines ?? [])) r.rules.add(rule);
      }
      const proposed = lintDenials(lines).json.profiles;
      let next = text;
      for (const p of proposed) next = withRules(next, p.profile, p.rules);
      try {
        await load(vm(), next);
        // apparmor_parser took it; our checker must agree.
        checkerErrors.push(...errorsOf(next).map((e) => `round ${round}: ${e}`));
        text = next;
      } catch (e) {
        loadErrors.push(`round ${round}: ${(e as Error).message}`);
        break;
      }
      const cases = pending.map((r) => CASES.find((c) => c.name === r.name)!);
      const results = await runCases(vm(), cases);
      pending.forEach((r, i) => { r.final = results[i]!; });
      pending = pending.filter((r) => !(r.final!.passed && r.final!.lines.length === 0));
      lines = pending.flatMap((r) => r.final!.lines);
    }

    const table = renderTable(rows);
    for (const line of table.split('\n')) t.diagnostic(line);
    fs.writeFileSync(path.join(VM_DIR, 'denials-table.md'), `${table}\n\nThe profile at the end:\n\n\`\`\`\n${text}\`\`\`\n`);
    assert.deepEqual(loadErrors, [], 'the proposed rules must load');
    assert.deepEqual(checkerErrors, [], 'our checker agrees with apparmor_parser on the profile with the rules added');
    const failed = rows.filter((r) => verdictOf(r) !== 'verified' && verdictOf(r) !== 'not mediated by this kernel');
    assert.deepEqual(failed.map((r) => `${r.name}: ${verdictOf(r)}`), [], table);
    // The classes this kernel is known to mediate are seen mediated.
    const mediated = rows.filter((r) => verdictOf(r) === 'verified').map((r) => r.name);
    for (const name of ['file read', 'file write', 'file append', 'exec', 'capability', 'network inet stream', 'signal send', 'ptrace', 'mount']) {
      assert.ok(mediated.includes(name), `${name} is mediated by this kernel`);
    }
    // Complain mode logs what enforce mode refuses, as ALLOWED, and lets it happen.
    const fileRead = rows.find((r) => r.name === 'file read')!;
    assert.match(fileRead.enforce.lines.join('\n'), /apparmor="DENIED" operation="open" profile="aak-probe" name="\/srv\/f\/read"/);
    assert.match(fileRead.complain.lines.join('\n'), /apparmor="ALLOWED" operation="open" profile="aak-probe" name="\/srv\/f\/read"/);
    assert.equal(fileRead.complain.status, 0);
  });
});

function errorsOf(text: string): string[] {
  const analyzer = new Analyzer({ fs: nodeFileSystem, includeDirs: [path.join(APPARMOR, 'etc', 'apparmor.d')], abi: '3.0' });
  return analyzer.analyze('/etc/apparmor.d/aak-probe', text).problems.filter((p) => severityOf(p.code) === 'error').map((p) => formatMessage(p.code, p.args));
}

/** The rules the same code proposes for one case's lines alone, for the table. */
function proposalsOf(lines: readonly string[]): string[] {
  return proposeRules(parseLog(lines.join('\n')).records).profiles.flatMap((p) => p.rules.map((r) => p.profile === 'aak-probe' ? r.text : `${p.profile}: ${r.text}`));
}

function verdictOf(r: Row): string {
  if (r.enforce.passed && r.enforce.lines.length === 0) return 'not mediated by this kernel';
  if (r.enforce.passed) return `not verified: enforce mode let it through but logged ${r.enforce.lines.length} line(s)`;
  if (r.enforce.lines.length === 0 && r.complain.lines.length === 0) return `not verified: refused with no AppArmor line (${r.enforce.output.trim()})`;
  if (!r.final) return 'not verified: no round ran';
  if (r.final.passed && r.final.lines.length === 0) return 'verified';
  return `not verified after ${r.rounds} round(s): ${r.final.output.trim()} ${r.final.lines.map(short).join('; ')}`;
}

function operations(lines: readonly string[]): string {
  const ops = lines.map(short);
  return ops.length > 0 ? [...new Set(ops)].join(', ') : '-';
}

/** `DENIED open r` from a whole audit line. */
function short(line: string): string {
  const f = (k: string): string => new RegExp(`\\b${k}="?([^" ]+)`).exec(line)?.[1] ?? '';
  const what = f('requested_mask') || f('capname') || f('sock_type') || f('fstype');
  return `${f('apparmor')} ${f('operation')}${what ? ` ${what}` : ''}${f('info') ? ` (${/info="([^"]*)"/.exec(line)?.[1]})` : ''}`;
}

function renderTable(rows: readonly Row[]): string {
  const out = ['| class | enforce | complain | rules added (apparmor-lint --denials) | rounds | verdict |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(`| ${r.name} | ${operations(r.enforce.lines)} | ${operations(r.complain.lines)} | ${[...r.rules].map((x) => `\`${x}\``).join(' ') || '-'} | ${r.rounds} | ${verdictOf(r)} |`);
  }
  return out.join('\n');
}
