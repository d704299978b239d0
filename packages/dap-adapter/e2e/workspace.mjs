// The folder the test opens in VS Code: the C program (copied from e2e/fixtures, compiled here
// with `gcc -g -O0`, never committed) and a .vscode/launch.json with two `umview`
// configurations: the first (F5's) with the default debug console, the second with the
// program in the integrated terminal (DAP's runInTerminal), for the stdin step.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('fixtures/greet.c', import.meta.url));
const FORK_FIXTURE = fileURLToPath(new URL('fixtures/forks.c', import.meta.url));

export const LAUNCH_NAME = 'Debug greet (umview)';
export const TERMINAL_LAUNCH_NAME = 'Debug greet in the terminal (umview)';
export const FORK_LAUNCH_NAME = 'Debug forks and its child (umview)';

/** The 1-based line of the source that carries `marker`. */
function lineOf(source, marker) {
  const index = source.split('\n').findIndex((line) => line.includes(marker));
  if (index < 0) throw new Error(`the fixture has no line marked ${marker}`);
  return index + 1;
}

/** Makes the workspace under `dir`; returns what the scenario needs to know about it. */
export function makeWorkspace(dir) {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  const sourcePath = join(dir, 'greet.c');
  copyFileSync(FIXTURE, sourcePath);
  const program = join(dir, 'greet');
  execFileSync('gcc', ['-g', '-O0', '-o', program, sourcePath], { stdio: 'inherit' });
  const forkSourcePath = join(dir, 'forks.c');
  copyFileSync(FORK_FIXTURE, forkSourcePath);
  const forkProgram = join(dir, 'forks');
  execFileSync('gcc', ['-g', '-O0', '-o', forkProgram, forkSourcePath], { stdio: 'inherit' });
  const launch = {
    version: '0.2.0',
    configurations: [
      { name: LAUNCH_NAME, type: 'umview', request: 'launch', program: '${workspaceFolder}/greet', cwd: '${workspaceFolder}' },
      { name: TERMINAL_LAUNCH_NAME, type: 'umview', request: 'launch', program: '${workspaceFolder}/greet', cwd: '${workspaceFolder}', console: 'integratedTerminal' },
      { name: FORK_LAUNCH_NAME, type: 'umview', request: 'launch', program: '${workspaceFolder}/forks', cwd: '${workspaceFolder}', followFork: 'both' },
    ],
  };
  writeFileSync(join(dir, '.vscode/launch.json'), `${JSON.stringify(launch, null, 2)}\n`);
  const source = readFileSync(sourcePath, 'utf8');
  return {
    dir,
    program,
    sourceName: 'greet.c',
    breakpointLine: lineOf(source, 'e2e: breakpoint'),
    nextLine: lineOf(source, 'e2e: after step over'),
    resultStartLine: lineOf(source, 'e2e: result starts'),
    callLine: lineOf(source, 'e2e: call'),
    forkProgram,
    forkSourceName: 'forks.c',
    forkBreakpointLine: lineOf(readFileSync(forkSourcePath, 'utf8'), 'e2e: child breakpoint'),
  };
}
