// Machine code of the spawn trampoline (see spawn/trampoline.ts for why it exists).
//
// The trampoline is started as `trampoline TRACER_PID PATH ARGV0 ARGS...`. It asks to be killed
// should its parent, the tracer, die (PR_SET_PDEATHSIG), checks that the tracer has not died
// already (getppid() is still TRACER_PID, given in decimal), and stops itself with SIGSTOP so
// that the tracer can PTRACE_SEIZE it. Continued, it installs the seccomp filter the tracer
// placed in its memory while it was stopped, if any (r13 then points to its struct sock_fprog:
// registers start at 0, and only the tracer sets it); if the kernel refuses it, the trampoline
// says so with a SIGSYS to itself, whose stop the tracer sees (and suppresses) before the exec
// event, so that nothing has to be read to know. It then sets the signals named in r15 (0 unless
// the tracer set it) to SIG_IGN, which an execve keeps: posix_spawn can only set signals to their
// default action, and a program started by a shell inherits what it ignores (nohup, `trap ''`,
// the SIGINT and SIGQUIT of a background job). It clears the parent-death signal (the program
// must not inherit it) and calls execve(PATH, &argv[3], envp). If execve fails it exits with the
// errno as its exit status, so the tracer reports the exact error. Without the parent-death
// signal, a tracer killed between the spawn and the seize left the trampoline stopped forever,
// an orphan in state T (found by umview-lite's fault tests: the monitor SIGKILLed at start-up);
// once seized, PTRACE_O_EXITKILL covers the rest.
//
//   _start:
//     mov rsi, [rsp+16]           ; argv[1]: the tracer's pid, in decimal
//     xor r12d, r12d
//   1: movzx eax, byte ptr [rsi]  ; r12d = atoi(argv[1])
//     test eax, eax
//     jz 2f
//     imul r12d, r12d, 10
//     lea r12d, [r12+rax-48]
//     inc rsi
//     jmp 1b
//   2: mov edi, 1                 ; PR_SET_PDEATHSIG
//     mov esi, 9                  ; SIGKILL
//     mov eax, 157                ; prctl
//     syscall
//     mov eax, 110                ; getppid
//     syscall
//     cmp eax, r12d               ; the tracer died before the prctl: we were reparented
//     jne 3f
//     mov eax, 39                 ; getpid
//     syscall
//     mov edi, eax
//     mov esi, 19                 ; SIGSTOP
//     mov eax, 62                 ; kill(getpid(), SIGSTOP)
//     syscall
//     test r13, r13               ; seized and continued; r13: a seccomp filter's struct
//     jz 4f                       ;   sock_fprog the tracer placed (0: none), r14: its flags
//     mov edi, 1                  ; SECCOMP_SET_MODE_FILTER
//     mov rsi, r14
//     mov rdx, r13
//     mov eax, 317                ; seccomp
//     syscall
//     cmp eax, -13                ; EACCES: without CAP_SYS_ADMIN, no_new_privs must be set
//     jne 5f
//     mov edi, 38                 ; prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
//     mov esi, 1
//     xor edx, edx
//     xor r10d, r10d
//     xor r8d, r8d
//     mov eax, 157
//     syscall
//     mov edi, 1                  ; seccomp again
//     mov rsi, r14
//     mov rdx, r13
//     mov eax, 317
//     syscall
//   5: test eax, eax              ; refused: kill(getpid(), SIGSYS), for the tracer to see
//     jz 4f
//     mov eax, 39                 ; getpid
//     syscall
//     mov edi, eax
//     mov esi, 31                 ; SIGSYS
//     mov eax, 62                 ; kill
//     syscall
//   4: test r15, r15              ; r15: a mask of signals the program starts ignoring, bit
//     jz 6f                       ;   N-1 for signal N (0: none), as /proc's SigIgn
//     lea rsi, [rsp-64]           ; struct kernel_sigaction { SIG_IGN, 0, 0, 0 }, below the
//     mov qword ptr [rsi], 1      ;   stack pointer: nothing here uses the stack
//     xor eax, eax
//     mov [rsi+8], rax
//     mov [rsi+16], rax
//     mov [rsi+24], rax
//     xor r12d, r12d              ; r12d: bit index, from 0 to 63
//   7: bt r15, r12
//     jnc 8f
//     lea edi, [r12+1]            ; rt_sigaction(r12 + 1, &act, NULL, 8); SIG_IGN survives
//     lea rsi, [rsp-64]           ;   execve (a handler would not); errors (SIGKILL, SIGSTOP)
//     xor edx, edx                ;   are ignored
//     mov r10d, 8
//     mov eax, 13
//     syscall
//   8: inc r12d
//     cmp r12d, 64
//     jb 7b
//   6: mov edi, 1                 ; prctl(PR_SET_PDEATHSIG, 0)
//     xor esi, esi
//     mov eax, 157
//     syscall
//     mov rdi, [rsp+24]           ; argv[2]: the program's path
//     lea rsi, [rsp+32]           ; &argv[3]: its argv, starting with its argv[0]
//     mov rcx, [rsp]              ; argc
//     lea rdx, [rsp+rcx*8+16]     ; envp = &argv[argc + 1]
//     mov eax, 59                 ; execve
//     syscall
//     neg eax                     ; execve failed: rax = -errno
//     mov edi, eax
//     mov eax, 231                ; exit_group(errno)
//     syscall
//     hlt
//   3: mov edi, 10                ; exit_group(ECHILD): nobody is there to trace us
//     mov eax, 231
//     syscall
//     hlt

/** The seccomp filter's installation, from a continued trampoline's first instruction (shared
 * with the hand-off client's child, hand-off.ts): r13, r14 as above; continues at the next
 * `4:` once installed, refused (then reported) or not asked for. */
export const INSTALL_FILTER_ASSEMBLY = `
  test r13, r13
  jz 4f
  mov edi, 1
  mov rsi, r14
  mov rdx, r13
  mov eax, 317
  syscall
  cmp eax, -13
  jne 5f
  mov edi, 38
  mov esi, 1
  xor edx, edx
  xor r10d, r10d
  xor r8d, r8d
  mov eax, 157
  syscall
  mov edi, 1
  mov rsi, r14
  mov rdx, r13
  mov eax, 317
  syscall
5:
  test eax, eax
  jz 4f
  mov eax, 39
  syscall
  mov edi, eax
  mov esi, 31
  mov eax, 62
  syscall
`;

// test/trampoline.test.ts assembles this listing with `as` and checks the bytes below.
export const TRAMPOLINE_ASSEMBLY = `
.intel_syntax noprefix
.globl _start
_start:
  mov rsi, [rsp+16]
  xor r12d, r12d
1:
  movzx eax, byte ptr [rsi]
  test eax, eax
  jz 2f
  imul r12d, r12d, 10
  lea r12d, [r12+rax-48]
  inc rsi
  jmp 1b
2:
  mov edi, 1
  mov esi, 9
  mov eax, 157
  syscall
  mov eax, 110
  syscall
  cmp eax, r12d
  jne 3f
  mov eax, 39
  syscall
  mov edi, eax
  mov esi, 19
  mov eax, 62
  syscall
${INSTALL_FILTER_ASSEMBLY}4:
  test r15, r15
  jz 6f
  lea rsi, [rsp-64]
  mov qword ptr [rsi], 1
  xor eax, eax
  mov [rsi+8], rax
  mov [rsi+16], rax
  mov [rsi+24], rax
  xor r12d, r12d
7:
  bt r15, r12
  jnc 8f
  lea edi, [r12+1]
  lea rsi, [rsp-64]
  xor edx, edx
  mov r10d, 8
  mov eax, 13
  syscall
8:
  inc r12d
  cmp r12d, 64
  jb 7b
6:
  mov edi, 1
  xor esi, esi
  mov eax, 157
  syscall
  mov rdi, [rsp+24]
  lea rsi, [rsp+32]
  mov rcx, [rsp]
  lea rdx, [rsp+rcx*8+16]
  mov eax, 59
  syscall
  neg eax
  mov edi, eax
  mov eax, 231
  syscall
  hlt
3:
  mov edi, 10
  mov eax, 231
  syscall
  hlt
`;

export const TRAMPOLINE_CODE = Buffer.from(
  '488b7424104531e40fb60685c0740e456be40a458d6404d048ffc6ebebbf01000000be09000000b89d0000000f05b8' +
    '6e0000000f054439e00f85f3000000b8270000000f0589c7be13000000b83e0000000f054d85ed745bbf010000004c' +
    '89f64c89eab83d0100000f0583f8f3752bbf26000000be0100000031d24531d24531c0b89d0000000f05bf01000000' +
    '4c89f64c89eab83d0100000f0585c07415b8270000000f0589c7be1f000000b83e0000000f054d85ff7445488d7424' +
    'c048c7060100000031c04889460848894610488946184531e44d0fa3e77319418d7c2401488d7424c031d241ba0800' +
    '0000b80d0000000f0541ffc44183fc4072d8bf0100000031f6b89d0000000f05488b7c2418488d742420488b0c2448' +
    '8d54cc10b83b0000000f05f7d889c7b8e70000000f05f4bf0a000000b8e70000000f05f4',
  'hex',
);

/** The registers through which the tracer hands the trampoline a seccomp filter while it is
 * stopped (spawn/trampoline-filter.ts): its struct sock_fprog's address, and its flags. */
export const TRAMPOLINE_FILTER_REGISTERS = { fprog: 'r13', flags: 'r14' } as const;

/** The register through which the tracer hands the stopped trampoline the signals the program
 * starts with ignored (spawn/trampoline-signals.ts): a mask, bit N-1 for signal N. */
export const TRAMPOLINE_IGNORED_SIGNALS_REGISTER = 'r15';

/** ELF e_machine for x86-64. */
export const ELF_MACHINE = 62;
