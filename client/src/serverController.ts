import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from './languageClient';
import { readCommandSettings, readFolderSettings } from './config';
import { SERVER_SETTING_KEYS, settingsForServer } from './core/settings';

export type ServerState = 'starting' | 'running' | 'stopped';

/** A larger young generation keeps garbage collection out of the way of re-checking a large profile on each keystroke (as bin/ does). */
const SERVER_EXEC_ARGV = ['--max-semi-space-size=64'];
/**
 * Node reads every certificate in NODE_EXTRA_CA_CERTS before it runs a line of the server
 * (50-80 ms with a system bundle); the server opens no TLS connection, so it starts without it.
 */
const SERVER_ENV = { NODE_EXTRA_CA_CERTS: undefined };

type ClientModule = typeof import('./languageClient');
let clientModule: ClientModule | undefined;

/**
 * vscode-languageclient is most of the extension's code and builds classes on vscode's as
 * it loads; kept in its own bundle and loaded on the first start, after activate() has
 * returned, it stays out of activation time. The path is computed so esbuild leaves it alone.
 */
function loadClientModule(): ClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, kept out of activation
  clientModule ??= require(path.join(__dirname, 'languageClient.js')) as ClientModule;
  return clientModule;
}

/** Starts, restarts and stops the bundled language server, over node IPC. */
export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  state: ServerState = 'stopped';

  constructor(private readonly context: vscode.ExtensionContext, private readonly channel: vscode.LogOutputChannel) {}

  /** Resolves once the server answered `initialize`; the time it took is logged. */
  start(): Promise<void> {
    this.starting = this.startClient();
    return this.starting;
  }

  /** A request of the extension's own (server/src/protocol.ts), once a start under way has finished. */
  async request<R>(method: string, params: unknown): Promise<R> {
    await this.starting?.catch(() => undefined);
    const client = this.client;
    if (!client?.isRunning()) throw new Error('The AppArmor language server is not running: run "AppArmor: Restart Language Server".');
    return client.sendRequest<R>(method, params);
  }

  private async startClient(): Promise<void> {
    const started = performance.now();
    const { State } = loadClientModule();
    const client = this.createClient();
    this.client = client;
    client.onDidChangeState((e) => this.setState(e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped'));
    this.setState('starting');
    try {
      await client.start();
      this.channel.info(`Language server ready in ${Math.round(performance.now() - started)} ms.`);
    } catch (e) {
      this.setState('stopped');
      this.channel.error(`Language server failed to start: ${(e as Error).message}`);
      throw e;
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    // A client that never came up cannot be stopped cleanly; dispose what there is.
    if (client) await client.dispose(2000).catch(() => undefined);
    this.setState('stopped');
  }

  /** Makes the server pull its settings again (after trust is granted, say). */
  refreshSettings(): void {
    if (this.client?.isRunning()) void this.client.sendNotification(loadClientModule().DidChangeConfigurationNotification.type, { settings: null });
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  private createClient(): LanguageClient {
    const { LanguageClient, TransportKind } = loadClientModule();
    const module = this.context.asAbsolutePath('dist/apparmor-language-server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { execArgv: SERVER_EXEC_ARGV, env: SERVER_ENV } },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'], env: SERVER_ENV } },
    };
    // The server re-reads .apparmor-lint.json when one changes.
    const configFiles = vscode.workspace.createFileSystemWatcher('**/.apparmor-lint.json');
    this.context.subscriptions.push(configFiles);
    const clientOptions: LanguageClientOptions = {
      documentSelector: ['apparmor', 'apparmor-test'].flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }]),
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- it sends didChangeConfiguration, on which the server pulls
      synchronize: { configurationSection: 'apparmor', fileEvents: configFiles },
      outputChannel: this.channel,
      initializationOptions: () => serverSettings(undefined),
      middleware: { workspace: { configuration: configurationMiddleware } },
    };
    // The id makes vscode-languageclient read `apparmor.trace.server` for the trace level.
    return new LanguageClient('apparmor', 'AppArmor Language Server', serverOptions, clientOptions);
  }
}

/** The `apparmor` section as the server should see it (see settingsForServer). */
function serverSettings(scope: vscode.Uri | undefined): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('apparmor', scope);
  const section: Record<string, unknown> = Object.fromEntries(SERVER_SETTING_KEYS.map((k) => [k, c.get(k)]));
  // Where the default path has no parser, give the server the one found elsewhere; folders as absolute paths.
  section.parserPath = readCommandSettings(scope).parser;
  Object.assign(section, readFolderSettings(scope));
  return settingsForServer(section, vscode.workspace.isTrusted);
}

const configurationMiddleware: NonNullable<NonNullable<LanguageClientOptions['middleware']>['workspace']>['configuration'] =
  async (params, token, next) => {
    const answer = await next(params, token);
    if (!Array.isArray(answer)) return answer;
    return params.items.map((item, i): unknown =>
      item.section === 'apparmor' ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answer[i]);
  };
