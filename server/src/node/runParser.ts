import { execFile } from 'child_process';
import * as fs from 'fs';
import { parseParserOutput, ParserRun } from '../service/parserMessages';

/** Each parser's version, asked once per path (and again when the file changes). */
const versions = new Map<string, { mtimeMs: number; version: Promise<string | undefined> }>();

/** Runs `apparmor_parser -Q -K` (no kernel, no cache, no privilege) on a file. */
export async function runParser(parser: string, file: string, includeDirs: readonly string[], base?: string): Promise<ParserRun> {
  if (!fs.existsSync(parser)) return { available: false, messages: [] };
  const args = ['-Q', '-K', ...includeDirs.flatMap((d) => ['-I', d]), ...(base ? ['-b', base] : []), file];
  const [messages, version] = await Promise.all([
    new Promise<ParserRun['messages']>((resolve) => {
      execFile(parser, args, { timeout: 30_000 }, (_err, _stdout, stderr) => resolve(parseParserOutput(stderr)));
    }),
    versionOf(parser),
  ]);
  return { available: true, messages, ...(version ? { version } : {}) };
}

function versionOf(parser: string): Promise<string | undefined> {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(parser).mtimeMs;
  } catch {
    return Promise.resolve(undefined);
  }
  const known = versions.get(parser);
  if (known && known.mtimeMs === mtimeMs) return known.version;
  const version = new Promise<string | undefined>((resolve) => {
    execFile(parser, ['-V'], { timeout: 10_000 }, (_err, stdout) => resolve(/version (\d+(?:\.\d+)*)/.exec(stdout)?.[1]));
  });
  versions.set(parser, { mtimeMs, version });
  return version;
}
