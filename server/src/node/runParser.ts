import { execFile } from 'child_process';
import * as fs from 'fs';
import { parseParserOutput, ParserRun } from '../service/parserMessages';

/** Runs `apparmor_parser -Q -K` (no kernel, no cache, no privilege) on a file. */
export function runParser(parser: string, file: string, includeDirs: readonly string[], base?: string): Promise<ParserRun> {
  if (!fs.existsSync(parser)) return Promise.resolve({ available: false, messages: [] });
  const args = ['-Q', '-K', ...includeDirs.flatMap((d) => ['-I', d]), ...(base ? ['-b', base] : []), file];
  return new Promise((resolve) => {
    execFile(parser, args, { timeout: 30_000 }, (_err, _stdout, stderr) => {
      resolve({ available: true, messages: parseParserOutput(String(stderr)) });
    });
  });
}
