/**
 * The same mocha suite under @vscode/test-electron, for machines that can download a desktop
 * VS Code. Where the download fails (no network, as on this project's machines), it says so
 * and skips: exit 0 with a "skipped" line, so the caller can tell.
 */
import { ROOT } from './install';
import { SUITE_DIR } from './run';
import { makeSandbox } from './sandbox';

export type ElectronOutcome = { readonly skipped: string } | { readonly code: number };

export async function runUnderElectron(): Promise<ElectronOutcome> {
  const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
  let executable: string;
  try {
    // Quiet: its spinner would end up in the middle of the test runner's report.
    const reporter = { report: () => undefined, error: () => undefined };
    executable = await downloadAndUnzipVSCode({ version: process.env.E2E_VSCODE_VERSION ?? 'stable', timeout: 15_000, reporter });
  } catch (e) {
    return { skipped: `cannot download VS Code for @vscode/test-electron (${e instanceof Error ? e.message : String(e)})` };
  }
  const sb = makeSandbox();
  try {
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: SUITE_DIR,
      launchArgs: [sb.workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', sb.userDataDir, '--extensions-dir', sb.extensionsDir],
      extensionTestsEnv: { E2E_GREP: process.env.E2E_GREP ?? '' },
    });
    return { code };
  } catch (e) {
    // runTests rejects with the exit code when the suite fails.
    console.error(e);
    return { code: 1 };
  } finally {
    sb.dispose();
  }
}

if (require.main === module) {
  runUnderElectron().then((outcome) => {
    if ('skipped' in outcome) console.log(`test-electron skipped: ${outcome.skipped}`);
    process.exit('code' in outcome ? outcome.code : 0);
  }, (e: unknown) => (console.error(e), process.exit(1)));
}
