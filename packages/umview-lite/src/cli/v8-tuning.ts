// V8's optimizing compiler, tuned for a monitor: set before the CLI is compiled (the code
// cache records the flags it was made with).
//
// A traced run is short and shares its CPU with the traced programs, and V8 spends much of it
// compiling: on `ls -laR` through /unreal (28,000 stops, 0.5 s, one CPU), TurboFan's background
// jobs took a third of the monitor's CPU time, each hot function compiled with the whole call
// tree below it inlined. Smaller inlining makes each job cheaper, and a larger interrupt budget
// optimizes only what stays hot (a short run spends its few thousand stops in the interpreter
// rather than compiling). Measured with the race bench's workloads, pinned to one CPU, `perf
// stat -r 5` task-clock, V8 11.3 (Node 20): ls -laR 525 -> 463 ms, find (3,600 stops) 115 ->
// 94 ms, 300 fork+exec 423 -> 398 ms, 5 × gcc -c 137 -> 128 ms, tar and a 65,000-stop find
// unchanged within 2 %. Other V8 versions tier differently (Maglev, other flags): they keep
// their defaults until measured. UMVIEW_V8_DEFAULTS=1 keeps V8's defaults here too.
//
// Measured again on V8 13.6 (Node 24), where Maglev sits between the interpreter and TurboFan:
// its defaults are the best of those tried (find 100 ms against 105 with smaller inlining, 137
// without Maglev, 105 with TurboFan at twice the calls; ls -laR and 300 fork+exec within 2 %,
// 9 runs each, pinned), and --interrupt-budget is gone there (Node refuses to start with it).
//
// The flags are set through Node 20's own binding of V8 (node20-v8.ts): node:v8 would cost ~2
// ms of start-up.
import { node20V8 } from './node20-v8.js';

/** Sets the flags measured for V8 11.3: Node 20's V8, whose binding node20V8() gives only there.
 * `serving`: the warm monitor, whose flags are the opposite (see SERVER_INTERRUPT_BUDGET). */
export function tuneV8(serving: boolean): void {
  if (process.env.UMVIEW_V8_DEFAULTS) return;
  const v8 = node20V8();
  if (v8 === undefined) return;
  if (serving) {
    v8.setFlagsFromString(`--interrupt-budget=${SERVER_INTERRUPT_BUDGET}`);
    return;
  }
  v8.setFlagsFromString('--max-inlined-bytecode-size=60');
  v8.setFlagsFromString('--interrupt-budget=150000');
}

/**
 * The warm monitor (--serve) runs for hours, so what it compiles is paid once and what it
 * leaves in the interpreter is paid at every run: it keeps V8's inlining and optimizes sooner
 * than V8's default (132 KB of bytecode budget). The code run once per process (fork, exec and
 * exit events, an execve's routing) is called a few thousand times a command, and with the
 * default budget it was still being optimized in a shell loop's eighth command (--trace-opt).
 * Measured on V8 11.3, pinned, the server warmed by 3 loops of 1000 fork+exec and 10 `useradd`
 * under -S: 1000 × fork+exec through /unreal 1026-1046 ms → 974-986 ms, the monitor's CPU
 * 187-199 ms → 155-158 ms.
 */
const SERVER_INTERRUPT_BUDGET = 20000;
