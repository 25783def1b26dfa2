/** Entry point the extension host calls with extensionTestsPath: runs every *.e2e.js beside it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { note } from './helpers';

export function run(): Promise<void> {
  // The runner sees the whole workbench log on the channel the console goes to; VS Code
  // guards console.log itself, so the reporter's own hook carries the suite's mark.
  Mocha.reporters.Base.consoleLog = note;
  // The workbench log has no TTY; colours would arrive as escape codes.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const grep = process.env.E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.e2e.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} e2e test(s) failed`)) : resolve()));
  });
}
