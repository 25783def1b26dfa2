/**
 * The real apparmor_parsers the tests hold our checker against: the system's (3.0.8 on
 * Debian bookworm) and an AppArmor 4 one, which `.ci/install-parser4` unpacks from Debian
 * trixie into .tools/apparmor4 (or APPARMOR_PARSER4 names one). Each comes with the policy
 * tree it resolves `include <…>` and `abi <…>` in: a 4.x parser needs one that has abi/4.0.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RealParser {
  readonly path: string;
  /** As `-V` prints it, such as `4.1.0`. */
  readonly version: string;
  /** The folder for `-I` and `--base`. */
  readonly policy: string;
  /**
   * The features file of the release it was unpacked from, passed as the kernel's: without
   * an AppArmor kernel the parser refuses what needs kernel support (`-> &stacked`).
   */
  readonly features?: string;
}

export const SYSTEM_PARSER = '/usr/sbin/apparmor_parser';
export const SYSTEM_POLICY = '/etc/apparmor.d';
/** From out/test/support back to the repository root. */
const TOOLS4 = path.resolve(__dirname, '../../../.tools/apparmor4');

export function versionOf(parser: string): string | undefined {
  if (!fs.existsSync(parser)) return undefined;
  try {
    return /version (\d+(?:\.\d+)*)/.exec(execFileSync(parser, ['-V'], { encoding: 'utf8', stdio: 'pipe' }))?.[1];
  } catch {
    return undefined;
  }
}

const major = (p: RealParser | undefined): number => Number(p?.version.split('.')[0] ?? 0);

function found(parserPath: string, policy: string, features?: string): RealParser | undefined {
  const version = versionOf(parserPath);
  return version ? { path: parserPath, version, policy, ...(features ? { features } : {}) } : undefined;
}

/** The installed apparmor_parser, whatever its version. */
export const systemParser = found(SYSTEM_PARSER, SYSTEM_POLICY);

/** The policy tree unpacked next to a parser wrapper (`root/etc/apparmor.d`), else the system's. */
function policyBeside(parserPath: string): string {
  const own = path.join(path.dirname(parserPath), 'root/etc/apparmor.d');
  return fs.existsSync(path.join(own, 'abi')) ? own : SYSTEM_POLICY;
}

/** The features file unpacked next to a parser wrapper, if any. */
function featuresBeside(parserPath: string): string | undefined {
  const file = path.join(path.dirname(parserPath), 'root/usr/share/apparmor-features/features');
  return fs.existsSync(file) ? file : undefined;
}

function findParser4(): RealParser | undefined {
  const named = process.env['APPARMOR_PARSER4'] || path.join(TOOLS4, 'apparmor_parser');
  const p = found(named, process.env['APPARMOR_POLICY4'] || policyBeside(named), featuresBeside(named));
  if (major(p) >= 4) return p;
  // A system that already ships AppArmor 4 needs nothing unpacked.
  return major(systemParser) >= 4 ? systemParser : undefined;
}

/** An AppArmor 4 (or later) parser, from .ci/install-parser4, APPARMOR_PARSER4, or the system. */
export const parser4 = findParser4();

export const PARSER4_MISSING = 'no apparmor_parser 4.x here: run .ci/install-parser4 (or set APPARMOR_PARSER4)';

/**
 * The parser to judge text that needs AppArmor `needs` (such as '4.0'): the system's when
 * it is recent enough, else the 4.x one; or why there is none.
 */
export function parserFor(needs: string): { parser: RealParser } | { skip: string } {
  const want = Number(needs.split('.')[0]);
  if (want < 4) return systemParser ? { parser: systemParser } : { skip: `apparmor_parser is not installed at ${SYSTEM_PARSER}` };
  if (major(systemParser) >= want) return { parser: systemParser! };
  if (parser4) return { parser: parser4 };
  const have = systemParser ? `; apparmor_parser here is ${systemParser.version}` : '';
  return { skip: `needs AppArmor ${needs}${have}; ${PARSER4_MISSING}` };
}

/** The skip option for a test that needs AppArmor `needs`. */
export function skipUnless(needs: string): string | false {
  const p = parserFor(needs);
  return 'skip' in p ? p.skip : false;
}

/** The parser for `needs`; for tests whose skip option already ruled out its absence. */
export function requireParser(needs: string): RealParser {
  const p = parserFor(needs);
  if ('skip' in p) throw new Error(p.skip);
  return p.parser;
}

/** Its one line of noise: there is no kernel to cache for under -Q. */
const NOISE = /^Cache read\/write disabled.*\n?/gm;

/**
 * `apparmor_parser -Q -K` on the text, as a file named `name` (the parser names profiles
 * after it): undefined when it accepts it, else its messages. `policy` overrides the
 * parser's tree for `-I` and `--base`.
 */
export function rejection(parser: RealParser, text: string, options: { name?: string; policy?: string } = {}): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-parser-'));
  const file = path.join(dir, options.name ?? 'profile');
  const policy = options.policy ?? parser.policy;
  fs.writeFileSync(file, text);
  try {
    const features = parser.features ? ['--kernel-features', parser.features] : [];
    execFileSync(parser.path, ['-Q', '-K', ...features, '-I', policy, '--base', policy, file], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString();
    return (stderr ?? String(e)).replace(NOISE, '').trim() || String(e);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A temporary policy tree for a parser: `files` (paths relative to the tree) and a link to
 * the parser's own abi/ folder, so `abi <abi/4.0>,` means what it means to that parser.
 */
export function policyTree(parser: RealParser, files: Readonly<Record<string, string>>): { readonly dir: string; dispose(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-policy-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.symlinkSync(path.join(parser.policy, 'abi'), path.join(dir, 'abi'));
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
