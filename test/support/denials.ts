import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer } from '../../server/src/service/analyze';
import type { FileSystem } from '../../server/src/service/includes';
import { insertRules, ProposeOptions, Proposals } from '../../server/src/service/logs';
import { parse } from '../../server/src/service/parser';
import { nodeFileSystem } from '../../server/src/node/nodeFileSystem';
import { applyEdits } from './edits';
import { memoryFs } from './helpers';
import { RealParser, rejection, SYSTEM_PARSER, SYSTEM_POLICY, systemParser } from './parsers';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/logs');
export const PARSER = SYSTEM_PARSER;
const POLICY = SYSTEM_POLICY;

export interface Fixture {
  readonly name: string;
  readonly text: string;
  /** The ABI its rules need (`# abi: 4.0` in the header), 3.0 by default. */
  readonly abi: string;
  readonly options: ProposeOptions;
}

export function fixtures(): Fixture[] {
  return fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.log')).sort().map((name) => {
    const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    return { name, text, abi: /^# abi: (\S+)/m.exec(text)?.[1] ?? '3.0', options: { fineNetwork: /^# options: .*fineNetwork/m.test(text) } };
  });
}

/** Tunables as Debian's 3.0 package defines them, for machines without /etc/apparmor.d. */
const STUB_TUNABLES = [
  '@{HOMEDIRS}=/home/', '@{HOME}=@{HOMEDIRS}/*/ /root/', '@{PROC}=/proc/', '@{sys}=/sys/', '@{run}=/run/ /var/run/',
  '@{pid}={[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}',
  '@{tid}=@{pid}', '@{pids}=@{pid}',
  '@{uid}={[0-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9]}',
].join('\n');

export const haveTunables = fs.existsSync(path.join(POLICY, 'tunables/global'));

/** The policy tree to resolve includes in: the installed one, else a stand-in with the tunables. */
export function policyFs(): FileSystem {
  return haveTunables ? nodeFileSystem : memoryFs({ [`${POLICY}/tunables/global`]: STUB_TUNABLES, [`${POLICY}/abi/3.0`]: '' });
}

export function analyzerFor(abi: string): Analyzer {
  return new Analyzer({ fs: policyFs(), includeDirs: [POLICY], abi });
}

/**
 * A file with an empty profile per logged top-level name, then the proposed rules
 * inserted block by block (hats and child profiles created as they are needed).
 * The abi line is written only where the policy tree (the installed one by default,
 * a 4.x parser's own for it) has that abi file.
 */
export function profileWith(proposals: Proposals, abi: string, withRules = true, policy = POLICY): string {
  const abiLine = fs.existsSync(path.join(policy, 'abi', abi)) || (policy === POLICY && !haveTunables && abi === '3.0') ? `abi <abi/${abi}>,\n` : '';
  let text = `${abiLine}include <tunables/global>\n`;
  for (const p of proposals.profiles) {
    text = applyEdits(text, insertRules(text, parse(text).ast, p.profile, withRules ? p.rules : [], { hat: p.hat }));
  }
  return text;
}

/** apparmor_parser -Q -K on the text (the installed one unless told): undefined when it accepts it, else its message. */
export function parserRejection(text: string, parser: RealParser | undefined = systemParser): string | undefined {
  return parser ? rejection(parser, text) : `apparmor_parser is not installed at ${PARSER}`;
}

/** The installed parser's version (`3.0.8`), or undefined without one. */
export function parserVersion(): string | undefined {
  return systemParser?.version;
}
