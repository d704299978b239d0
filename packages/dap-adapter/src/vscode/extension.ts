// The VS Code extension: it declares the `umview` debug type (package.json's contributes) and
// starts the adapter for each session as a separate process, `dist/cli.js` run by the Node
// that VS Code itself ships (its Electron binary with ELECTRON_RUN_AS_NODE), so no Node needs to
// be installed. A launch.json with `debugServer` makes VS Code connect to `umview-dap --port N`
// instead.
import * as vscode from 'vscode';
import { listOwnProcesses } from './process-list.js';

export const DEBUG_TYPE = 'umview';
/** The command behind `${command:pickProcess}` in an attach configuration (package.json's `variables`). */
export const PICK_PROCESS_COMMAND = 'umview.pickProcess';
/** The configuration field naming a forked child's session socket (session/child-sessions.ts). */
const CHILD_SESSION_FIELD = 'umviewChildSession';

/** A QuickPick of this user's processes; the pid picked, as a string (undefined: cancelled, and the launch with it). */
async function pickProcess(): Promise<string | undefined> {
  const items = listOwnProcesses(process.pid).map((entry) => ({
    label: entry.name,
    description: String(entry.pid),
    detail: entry.commandLine,
    pid: entry.pid,
  }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'The process to attach to (name, pid or command line)', matchOnDescription: true, matchOnDetail: true });
  return picked === undefined ? undefined : String(picked.pid);
}

export function activate(context: vscode.ExtensionContext): void {
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor(session) {
      // followFork: a forked child's session is served by the adapter of its parent's session
      // (whose tracer thread holds the child), on the socket its startDebugging request names.
      const child = session.configuration[CHILD_SESSION_FIELD] as { socket?: unknown } | undefined;
      if (typeof child?.socket === 'string') return new vscode.DebugAdapterNamedPipeServer(child.socket);
      const port = session.configuration.debugServer;
      if (typeof port === 'number') return new vscode.DebugAdapterServer(port, '127.0.0.1');
      return new vscode.DebugAdapterExecutable(process.execPath, [context.asAbsolutePath('dist/cli.js')], { env: { ELECTRON_RUN_AS_NODE: '1' } });
    },
  };
  const provider: vscode.DebugConfigurationProvider = {
    // F5 without a launch.json: nothing to debug is known; VS Code then offers the initial configurations.
    resolveDebugConfiguration(_folder, configuration) {
      if (configuration.type === undefined && configuration.request === undefined) return undefined;
      if (configuration.request === 'launch' && typeof configuration.program !== 'string') {
        void vscode.window.showErrorMessage('umview: set "program" in launch.json to the executable to debug');
        return undefined;
      }
      return configuration;
    },
  };
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.commands.registerCommand(PICK_PROCESS_COMMAND, pickProcess),
  );
}

export function deactivate(): void {
  // The adapters are separate processes: VS Code ends them with their sessions.
}
