// The scenario, step by step, driven through VS Code's UI as a person would: open the folder,
// open greet.c, F9 on a line, F5, read Call Stack and Variables, F10, Jump to Cursor, a data
// breakpoint (Break on Value Change), a Debug Console completion, Shift+F5; then a program that forks, with followFork "both": its child
// shows as a second session in Call Stack, paused at a breakpoint only it runs; then, last and
// apart, the program in the integrated terminal answering a line typed into its stdin.
// Each step waits for the UI element or text that proves its state (never a sleep) and ends
// with a screenshot; the first failure stops the run (run.mjs says which step it was).
import { HANG_GUARD_MS } from './browser.mjs';
import { processesRunning } from './processes.mjs';
import { goToLine, literal, pick, runCommand } from './ui.mjs';
import { FORK_LAUNCH_NAME, TERMINAL_LAUNCH_NAME } from './workspace.mjs';

/**
 * The debuggee's processes, waited for until `done(pids)`: a process that is not ours has no event
 * to wait on, so /proc is polled; HANG_GUARD_MS is the hang guard, as for the browser's waits.
 */
async function untilProcesses(program, done, what) {
  const started = Date.now();
  for (;;) {
    const pids = processesRunning(program);
    if (done(pids)) return pids;
    if (Date.now() - started > HANG_GUARD_MS) throw new Error(`still waiting for ${what}: ${program} runs as ${pids.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The views the steps read, by their accessible names (VS Code's labels for screen readers). */
function views(page) {
  return {
    explorer: page.getByRole('tree', { name: 'Files Explorer' }),
    callStack: page.getByRole('treegrid', { name: 'Debug Call Stack' }),
    variables: page.getByRole('tree', { name: 'Debug Variables' }),
    breakpoints: page.getByRole('tree', { name: 'Breakpoints' }),
    // The debug toolbar's Stop button exists exactly while a session runs ("Stop (Shift+F5)",
    // "[Alt] Disconnect" after it).
    stopButton: page.getByRole('button', { name: /^Stop \(Shift\+F5\)/ }).first(),
  };
}

/**
 * The steps, in order. `state` collects what the final JSON line reports; `run.mjs` calls each
 * step and takes the screenshot named after it.
 */
export function scenarioSteps({ page, url, workspace, state, log, terminalSupport, watchSupport }) {
  const view = views(page);
  const { sourceName, breakpointLine, nextLine, program } = workspace;
  const frameRow = (fn, line) => view.callStack.getByRole('row', { name: `Stack Frame ${fn}, line ${line}, ${sourceName}` });
  const variable = (name, value) => view.variables.getByRole('treeitem', { name: `${name}, value ${value}` });

  return [
    {
      name: 'open-folder',
      async run() {
        await page.goto(`${url}/?folder=${encodeURIComponent(workspace.dir)}`);
        await view.explorer.getByRole('treeitem', { name: sourceName }).waitFor();
      },
    },
    {
      name: 'debuggers-known',
      async run() {
        // The debug commands (Toggle Breakpoint, F5) are enabled only once the workbench has read
        // the extensions' debugger contributions (context key debuggersAvailable). The panel's
        // Debug Console tab is registered under that same condition, so its appearing is the
        // proof. The status bar's problems counter opens the panel on Problems (the panel's
        // Terminal would start a shell that takes the keyboard focus whenever it is ready).
        await page.getByRole('status').getByRole('button', { name: /Problems/ }).click();
        await page.getByRole('tab', { name: /^Problems/, selected: true }).waitFor();
        await page.getByRole('tab', { name: /^Debug Console/ }).waitFor();
      },
    },
    {
      name: 'open-source',
      async run() {
        await view.explorer.getByRole('treeitem', { name: sourceName }).dblclick();
        await page.getByRole('tab', { name: sourceName }).waitFor();
        // The status bar's cursor position exists once the text editor has its model.
        await page.getByRole('button', { name: /^Ln \d+, Col \d+$/ }).waitFor();
      },
    },
    {
      name: 'set-breakpoint',
      async run() {
        await goToLine(page, breakpointLine);
        await page.keyboard.press('F9');
        await runCommand(page, 'View: Show Run and Debug');
        // The Breakpoints view lists it as "greet.c 9, /full/path" (a checkbox, checked).
        await view.breakpoints.getByRole('checkbox', { name: new RegExp(`^${literal(sourceName)} ${breakpointLine}\\b`), checked: true }).waitFor();
      },
    },
    {
      name: 'start-debugging',
      async run() {
        await page.keyboard.press('F5');
        // Paused at the breakpoint: the top frame in Call Stack is square() at the breakpoint's
        // line, the view's header says why, and the editor marks the line (the decoration's class
        // is the only handle on it: the editor's decorations have no accessible name).
        await frameRow('square', breakpointLine).waitFor();
        await page.getByText('Paused on breakpoint').waitFor();
        await page.locator('.debug-top-stack-frame-line').first().waitFor();
        const pids = await untilProcesses(program, (list) => list.length === 1, 'the debuggee');
        state.debuggeePid = pids[0];
        state.breakpointHit = true;
        log(`paused at ${sourceName}:${breakpointLine} in square(), debuggee pid ${pids[0]}`);
      },
    },
    {
      name: 'call-stack-and-variables',
      async run() {
        await frameRow('main', workspace.callLine).waitFor();
        await variable('result', '-1').waitFor();
        const callStack = await view.callStack.innerText();
        const variables = await view.variables.innerText();
        for (const fn of ['square', 'main']) {
          if (!callStack.includes(fn)) throw new Error(`Call Stack does not show ${fn}: ${JSON.stringify(callStack)}`);
        }
        if (!/result\s*=\s*-1/.test(variables)) throw new Error(`Variables does not show result = -1: ${JSON.stringify(variables)}`);
        log(`Call Stack: ${JSON.stringify(callStack)}; Variables: ${JSON.stringify(variables)}`);
        state.variablesShown = true;
      },
    },
    {
      name: 'step-over',
      async run() {
        await page.keyboard.press('F10');
        await frameRow('square', nextLine).waitFor();
        await variable('result', '49').waitFor();
        // The editor's cursor follows the paused line (status bar: "Ln 10, Col 10").
        await page.getByRole('button', { name: new RegExp(`^Ln ${nextLine}, Col \\d+$`) }).waitFor();
        state.stepped = true;
        log(`stepped to line ${nextLine}: result = 49`);
      },
    },
    {
      name: 'jump-to-cursor',
      async run() {
        // Back to the breakpoint's line with Jump to Cursor (DAP gotoTargets and goto): the
        // line runs again, and result is 49 again after stepping over it.
        await goToLine(page, breakpointLine);
        await runCommand(page, 'Debug: Jump to Cursor');
        await frameRow('square', breakpointLine).waitFor();
        await page.keyboard.press('F10');
        await frameRow('square', nextLine).waitFor();
        await variable('result', '49').waitFor();
        state.jumped = true;
        log(`jumped back to line ${breakpointLine} and stepped over it again: result = 49`);
      },
    },
    {
      name: 'data-breakpoint',
      async run() {
        // Break on Value Change (DAP dataBreakpointInfo and setDataBreakpoints) on result, from
        // the Variables view's context menu: Jump to Cursor back to `int result = -1;` and F10,
        // so that Variables shows result = -1 from this stop (a row left from an earlier stop
        // would carry references the adapter no longer answers for); then F5: the write of 49
        // stops on the line after it, the stop described as gdb describes a watchpoint's. Not
        // run where the machine's debug registers never fire (the steps after it read result =
        // 49 on the line after the write, where the step before left the program).
        if (watchSupport !== true) {
          state.watched = false;
          state.watchReason = watchSupport;
          log(`data-breakpoint step not run: ${watchSupport}`);
          return;
        }
        await goToLine(page, workspace.resultStartLine);
        await runCommand(page, 'Debug: Jump to Cursor');
        await frameRow('square', workspace.resultStartLine).waitFor();
        await page.keyboard.press('F10');
        await frameRow('square', breakpointLine).waitFor();
        await variable('result', '-1').click({ button: 'right' });
        // The context menu takes its item from the keyboard: the pointer focuses the row, Enter
        // runs it (a synthetic click on the row leaves the menu open).
        const menuItem = page.getByRole('menuitem', { name: 'Break on Value Change' });
        await menuItem.hover();
        await page.keyboard.press('Enter');
        await menuItem.waitFor({ state: 'detached' });
        // The Breakpoints view lists the data breakpoint by its description, checked.
        await view.breakpoints.getByRole('checkbox', { name: /^result\b/, checked: true }).waitFor();
        await page.keyboard.press('F5');
        await frameRow('square', nextLine).waitFor();
        await variable('result', '49').waitFor();
        // The Call Stack's header shows the stop's description as the adapter words it, gdb's:
        // "Hardware watchpoint 2: result" (then the old and new values, cut off in the header).
        await view.callStack.page().getByText(/^Hardware watchpoint \d+: result/).first().waitFor();
        state.watched = true;
        log(`a data breakpoint on result stopped after the write of 49, on line ${nextLine}`);
      },
    },
    {
      name: 'debug-console-completion',
      async run() {
        // The debug console completes a local (DAP completions): "resu", Ctrl+Space, the
        // suggestion "result" (its type, int, beside it) accepted with Tab (Enter would submit
        // "resu"), then Enter evaluates it.
        await runCommand(page, 'Debug Console: Focus on Debug Console View');
        await page.keyboard.type('resu');
        await page.keyboard.press('Control+Space');
        // The suggest widget's rows are options named after their label.
        const suggestion = page.getByRole('option', { name: /^result, int\b/ }).first();
        await suggestion.waitFor();
        await page.keyboard.press('Tab');
        await suggestion.waitFor({ state: 'detached' });
        await page.keyboard.press('Enter');
        // The console echoes the expression it evaluated, then its value.
        await page.getByRole('treeitem', { name: /^result\b/ }).first().waitFor();
        await page.getByRole('treeitem', { name: /^49\b/ }).first().waitFor();
        state.completed = true;
        log('the debug console completed "resu" to result and evaluated it: 49');
      },
    },
    {
      name: 'stop',
      async run() {
        await page.keyboard.press('Shift+F5');
        // Ended: the debug toolbar (and its Stop button) is gone, Call Stack and Variables are
        // empty (Variables clears a moment later: VS Code delays its refresh against flicker),
        // and no process runs the program any more.
        await view.stopButton.waitFor({ state: 'detached' });
        await view.callStack.getByRole('row').first().waitFor({ state: 'detached' });
        await view.variables.getByRole('treeitem').first().waitFor({ state: 'detached' });
        await untilProcesses(program, (list) => list.length === 0, 'the debuggee to be gone');
        state.stopped = true;
        log('session ended, debuggee gone');
      },
    },
    {
      name: 'follow-fork',
      async run() {
        // followFork "both": the forked child is a second session (VS Code's startDebugging,
        // served by the same adapter), paused at a breakpoint only the child runs.
        const { forkSourceName, forkBreakpointLine, forkProgram } = workspace;
        await runCommand(page, 'View: Show Explorer');
        await view.explorer.getByRole('treeitem', { name: forkSourceName }).dblclick();
        await page.getByRole('tab', { name: forkSourceName }).waitFor();
        await goToLine(page, forkBreakpointLine);
        await page.keyboard.press('F9');
        await runCommand(page, 'View: Show Run and Debug');
        await view.breakpoints.getByRole('checkbox', { name: new RegExp(`^${literal(forkSourceName)} ${forkBreakpointLine}\\b`), checked: true }).waitFor();
        await runCommand(page, 'Debug: Select and Start Debugging');
        await pick(page, FORK_LAUNCH_NAME);
        // Call Stack: the child's session ("Session forks (pid N)") under the parent's, and
        // its top frame child_work at the breakpoint.
        const childSession = view.callStack.getByRole('row', { name: /^Session forks \(pid \d+\)/ }).first();
        await childSession.waitFor();
        await view.callStack.getByRole('row', { name: `Stack Frame child_work, line ${forkBreakpointLine}, ${forkSourceName}` }).waitFor();
        const pids = await untilProcesses(forkProgram, (list) => list.length === 2, 'the parent and its child');
        const label = await childSession.getAttribute('aria-label');
        state.childSessionShown = true;
        log(`child session ${JSON.stringify(label)} paused in child_work; processes ${pids.join(', ')}`);
      },
    },
    {
      name: 'follow-fork-end',
      async run() {
        const { forkProgram } = workspace;
        // F5 in the child's (focused) session: it exits, the parent's wait returns and it ends,
        // and with it every session.
        await page.keyboard.press('F5');
        await view.stopButton.waitFor({ state: 'detached' });
        await untilProcesses(forkProgram, (list) => list.length === 0, 'the parent and its child to be gone');
        log('both sessions ended, both processes gone');
      },
    },
    {
      name: 'stdin-in-terminal',
      async run() {
        if (terminalSupport !== true) {
          state.stdinAnswered = false;
          state.stdinReason = terminalSupport;
          log(`stdin step not run: ${terminalSupport}`);
          return;
        }
        // No breakpoint this time: the program runs straight to its read of stdin.
        await runCommand(page, 'Remove All Breakpoints');
        await view.breakpoints.getByRole('checkbox', { name: new RegExp(`^${literal(sourceName)} `) }).waitFor({ state: 'detached' });
        await runCommand(page, 'Debug: Select and Start Debugging');
        await pick(page, TERMINAL_LAUNCH_NAME);
        // The terminal's text: its DOM renderer's rows (terminal.integrated.gpuAcceleration off
        // in the settings); xterm.js exposes the screen to ARIA only in screen-reader mode.
        const terminal = page.locator('.terminal-wrapper.active .xterm-rows');
        await terminal.getByText('your name?').waitFor();
        await untilProcesses(program, (list) => list.length === 1, 'the debuggee in the terminal');
        // The keyboard to the terminal (its rows lie under an overlay that takes the clicks).
        await runCommand(page, 'Terminal: Focus Terminal');
        await page.keyboard.type('umview');
        await page.keyboard.press('Enter');
        await terminal.getByText('hello, umview!').waitFor();
        await view.stopButton.waitFor({ state: 'detached' });
        await untilProcesses(program, (list) => list.length === 0, 'the debuggee to exit');
        state.stdinAnswered = true;
        log('the program in the terminal answered the line typed into its stdin');
      },
    },
  ];
}
