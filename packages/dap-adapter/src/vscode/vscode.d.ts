// The part of VS Code's extension API that the extension entry uses (the `vscode` module exists
// only inside VS Code's extension host; @types/vscode is not a dependency of this package).
declare module 'vscode' {
  export interface Disposable {
    dispose(): unknown;
  }
  export interface ExtensionContext {
    readonly subscriptions: { dispose(): unknown }[];
    readonly extensionPath: string;
    asAbsolutePath(relativePath: string): string;
  }
  export interface DebugConfiguration {
    type: string;
    name: string;
    request: string;
    [key: string]: unknown;
  }
  export interface DebugSession {
    readonly id: string;
    readonly type: string;
    readonly configuration: DebugConfiguration;
  }
  export interface DebugAdapterExecutableOptions {
    env?: { [key: string]: string };
    cwd?: string;
  }
  export class DebugAdapterExecutable {
    constructor(command: string, args?: string[], options?: DebugAdapterExecutableOptions);
    readonly command: string;
    readonly args: string[];
    readonly options?: DebugAdapterExecutableOptions;
  }
  export class DebugAdapterServer {
    constructor(port: number, host?: string);
  }
  export class DebugAdapterNamedPipeServer {
    constructor(path: string);
  }
  export type DebugAdapterDescriptor = DebugAdapterExecutable | DebugAdapterServer | DebugAdapterNamedPipeServer;
  export interface DebugAdapterDescriptorFactory {
    createDebugAdapterDescriptor(session: DebugSession, executable: DebugAdapterExecutable | undefined): DebugAdapterDescriptor | undefined;
  }
  export interface WorkspaceFolder {
    readonly name: string;
  }
  export interface DebugConfigurationProvider {
    resolveDebugConfiguration?(folder: WorkspaceFolder | undefined, configuration: DebugConfiguration): DebugConfiguration | undefined | null;
  }
  export namespace debug {
    function registerDebugAdapterDescriptorFactory(debugType: string, factory: DebugAdapterDescriptorFactory): Disposable;
    function registerDebugConfigurationProvider(debugType: string, provider: DebugConfigurationProvider): Disposable;
  }
  export namespace window {
    function showErrorMessage(message: string): Thenable<string | undefined>;
    function showQuickPick<T extends QuickPickItem>(items: readonly T[] | Thenable<readonly T[]>, options?: QuickPickOptions): Thenable<T | undefined>;
  }
  export interface QuickPickItem {
    label: string;
    description?: string;
    detail?: string;
  }
  export interface QuickPickOptions {
    placeHolder?: string;
    matchOnDescription?: boolean;
    matchOnDetail?: boolean;
  }
  export namespace commands {
    function registerCommand(command: string, callback: (...args: unknown[]) => unknown): Disposable;
  }
  export interface Thenable<T> extends PromiseLike<T> {}
}
