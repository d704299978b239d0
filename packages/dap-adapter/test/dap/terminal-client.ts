// The client's side of `console: integratedTerminal`, as VS Code plays it: DebugClient answers
// no reverse request, so this client does, and runs the command of `runInTerminal` in a real
// pseudo-terminal (util-linux's `script`, through /bin/sh as a terminal's shell would), so that
// the program has a tty as its stdin, stdout and stderr and reads what the test types.
import { spawn, type ChildProcess } from 'node:child_process';
import { missing } from '@umview/test-fixtures/machine';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterCli, PatientDebugClient, whileWaiting } from './helpers.js';

/** Why the terminal tests cannot run here, or undefined. */
export function terminalMissing(): string | undefined {
  return missing.tool('script', 'bsdutils (util-linux)');
}

/** A command running in a pseudo-terminal: what it printed, and a keyboard. */
export class PseudoTerminal {
  private text = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], cwd: string, env: Record<string, string | null | undefined>) {
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...process.env, ...env })) if (typeof value === 'string') environment[name] = value;
    environment.SHELL = '/bin/sh'; // what `script -c` runs the command with
    // -q: no banner; -e: its status is the command's; -f: output as it comes; /dev/null: no typescript file.
    this.child = spawn('script', ['-qefc', args.map(shellQuote).join(' '), '/dev/null'], { cwd, env: environment, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      this.text += chunk;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get output(): string {
    return this.text;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Types into the terminal (a line ends with \r, as the Enter key sends it). */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Resolves once the terminal shows text matching `pattern`. */
  async shows(pattern: RegExp): Promise<string> {
    const done = whileWaiting(() => `the terminal to show ${pattern}, it shows ${JSON.stringify(this.text)}`);
    while (!pattern.test(this.text)) await new Promise((resolve) => this.child.stdout!.once('data', resolve));
    done();
    return this.text;
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.child.stdin!.destroy();
  }
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

type Answer = (request: DebugProtocol.RunInTerminalRequest) => DebugProtocol.RunInTerminalResponse['body'] | Error;

/** A DebugClient that says it can run programs in terminals, and does (in PseudoTerminals). */
export class TerminalClient extends PatientDebugClient {
  readonly terminals: PseudoTerminal[] = [];
  readonly requests: DebugProtocol.RunInTerminalRequest[] = [];
  /** How the next runInTerminal requests are answered (default: started in a PseudoTerminal). */
  answer: Answer = (request) => {
    const terminal = new PseudoTerminal(request.arguments.args, request.arguments.cwd, request.arguments.env ?? {});
    this.terminals.push(terminal);
    return { shellProcessId: terminal.pid };
  };

  /** `cli`: the adapter to start (default: this package's dist/cli.js). */
  constructor(cli = adapterCli, spawnOptions?: { cwd?: string }) {
    super(process.execPath, cli, 'umview', spawnOptions);
    const internals = this as unknown as { dispatch(body: string): void };
    const dispatch = internals.dispatch.bind(this);
    internals.dispatch = (body: string) => {
      const message = JSON.parse(body) as DebugProtocol.ProtocolMessage;
      if (message.type === 'request' && (message as DebugProtocol.Request).command === 'runInTerminal') this.runInTerminal(message as DebugProtocol.RunInTerminalRequest);
      else dispatch(body);
    };
  }

  /** initialize, saying that this client runs programs in terminals. */
  initializeWithTerminal(): Promise<DebugProtocol.InitializeResponse> {
    return this.initializeRequest({ adapterID: 'umview', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest: true });
  }

  /** The terminal of the last runInTerminal. */
  get terminal(): PseudoTerminal {
    const last = this.terminals.at(-1);
    if (last === undefined) throw new Error('no runInTerminal request came');
    return last;
  }

  closeTerminals(): void {
    for (const terminal of this.terminals) terminal.close();
  }

  private runInTerminal(request: DebugProtocol.RunInTerminalRequest): void {
    this.requests.push(request);
    const result = this.answer(request);
    const response: DebugProtocol.Response = { type: 'response', seq: 0, request_seq: request.seq, command: request.command, success: !(result instanceof Error) };
    if (result instanceof Error) response.message = result.message;
    else response.body = result;
    const json = JSON.stringify(response);
    const output = (this as unknown as { outputStream: NodeJS.WritableStream }).outputStream;
    output.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`, 'utf8');
  }
}
