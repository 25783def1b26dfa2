/** A throwaway home for one VS Code run: its config, data, sockets and a copy of the fixture workspace. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './install';

export interface Sandbox {
  readonly dir: string;
  /** The fixture workspace, copied: commands edit and save its profiles. */
  readonly workspace: string;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  readonly serverDataDir: string;
  readonly env: NodeJS.ProcessEnv;
  dispose(): void;
}

export function makeSandbox(): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aa-e2e-'));
  const sub = (name: string) => {
    const p = path.join(dir, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const workspace = path.join(dir, 'workspace');
  fs.cpSync(path.join(ROOT, 'test/e2e/workspace'), workspace, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: sub('config'), XDG_DATA_HOME: sub('data'), XDG_CACHE_HOME: sub('cache'), TMPDIR: sub('tmp') };
  // No extension gallery: there is no network, and a gallery query would wait on DNS first.
  env.EXTENSIONS_GALLERY = '{}';
  // The server must not think it runs inside another VS Code's terminal or extension host.
  for (const k of Object.keys(env)) if (/^(VSCODE_|ELECTRON_RUN_AS_NODE)/.test(k)) delete env[k];
  return {
    dir,
    workspace,
    extensionsDir: sub('extensions'),
    userDataDir: sub('user-data'),
    serverDataDir: sub('server-data'),
    env,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Headless chromium, as quiet on the network as it can be made (there is no network here). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  // The workbench asks extension galleries and GitHub: fail those at once instead of waiting on DNS.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Rejects when the work takes longer than ms; whoever awaits it then cleans up in its finally. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
