// Machine code of the hand-off client (see spawn/hand-off.ts for what it is for).
//
// Started as `hand-off SOCKET NODE CLI ARGS...`, it asks a tracing server listening on the unix
// socket SOCKET to run the command for it, and falls back to `NODE CLI ARGS...` (execve of
// argv[2], with the argv from there) when no server answers or the server declines. The protocol:
//
// 1. connect(SOCKET); the server's pid from SO_PEERCRED.
// 2. fork(). The child asks to be killed with its parent (PR_SET_PDEATHSIG, then getppid() checks
//    that the parent is still there), lets the server trace it (PR_SET_PTRACER, for Yama) and
//    stops itself with SIGSTOP. The parent waits for that stop (wait4, WUNTRACED).
// 3. The parent forwards SIGHUP, SIGINT and SIGTERM to the child from now on, unless the kernel
//    sent them (si_code SI_KERNEL: a terminal's, which reached the child's process group too),
//    and ignores SIGTSTP, SIGTTIN and SIGTTOU (the child keeps its own dispositions: the
//    shell's), so that a terminal's signal that comes as soon as the command runs does not stop
//    or end the parent before the command. It then writes two int32s, its pid and the child's.
//    The server either closes the connection (it declines: the parent kills the child, reaps it,
//    puts those six signals back as they were, the set 0x384003, and falls back), or seizes the
//    child and writes HAND_OFF_ADOPTED (int32). The parent then reads int32s: HAND_OFF_STOPPED
//    | N when the command stopped with signal N (the parent stops itself with N, so that its
//    shell sees the job stopped when the command is, as a native run shows it, and reads on once
//    continued);
//    HAND_OFF_KILLED | N when the command was killed by signal N (the parent kills itself with
//    N, as strace does, its core limit 1 first: no core file, none piped to a crash collector
//    either; so that its shell sees a command killed by a signal: a shell running a loop stops
//    at a Ctrl-C only then); else the exit status it exits
//    with. If the connection closes first, it says that the server exited and exits 1.
// 4. The seized child, continued, is the spawn trampoline's second half (trampoline.ts): it
//    installs the seccomp filter whose struct sock_fprog r13 points to (0: none; r14: its flags),
//    reports a refusal with a SIGSYS to itself, clears the parent-death signal and the ptracer
//    exception, and calls execve(r15, rbx, rbp): path, argv and envp the server placed in its
//    memory while it was stopped. A failed execve exits with the errno.
//
// The parent stays the command's parent, so the shell that started it sees a child that exits
// with the command's status, and the command's terminal, process group and resource limits are
// the ones it would have had under a monitor started by that shell.
import { INSTALL_FILTER_ASSEMBLY } from './trampoline.js';

// test/trampoline.test.ts assembles this listing with `as` and checks the bytes below.
export const HAND_OFF_ASSEMBLY = `
.intel_syntax noprefix
.globl _start
_start:
  mov rbx, rsp
  sub rsp, 960
  mov rbp, rsp
  mov edi, 1
  mov esi, 0x80001
  xor edx, edx
  mov eax, 41
  syscall
  test eax, eax
  js 9f
  mov r13d, eax
  mov word ptr [rbp], 1
  mov rsi, [rbx+16]
  lea rdi, [rbp+2]
  mov ecx, 108
1:
  mov al, [rsi]
  mov [rdi], al
  test al, al
  jz 2f
  inc rsi
  inc rdi
  dec ecx
  jnz 1b
  jmp 9f
2:
  mov edi, r13d
  mov rsi, rbp
  mov edx, 110
  mov eax, 42
  syscall
  test eax, eax
  jnz 9f
  mov dword ptr [rbp+144], 12
  mov edi, r13d
  mov esi, 1
  mov edx, 17
  lea r10, [rbp+128]
  lea r8, [rbp+144]
  mov eax, 55
  syscall
  test eax, eax
  jnz 9f
  mov r14d, [rbp+128]
  mov eax, 39
  syscall
  mov r12d, eax
  mov eax, 57
  syscall
  test eax, eax
  js 9f
  jz 20f
  mov r15d, eax
3:
  mov edi, r15d
  lea rsi, [rbp+160]
  mov edx, 2
  xor r10d, r10d
  mov eax, 61
  syscall
  cmp eax, -4
  je 3b
  cmp eax, r15d
  jne 9f
  cmp byte ptr [rbp+160], 0x7f
  jne 9f
  mov [rbp+168], r12d
  mov [rbp+172], r15d
  lea rax, [rip+30f]
  mov [rbp+192], rax
  mov qword ptr [rbp+200], 0x14000004
  lea rax, [rip+31f]
  mov [rbp+208], rax
  mov qword ptr [rbp+216], 0
  mov qword ptr [rbp+224], 1
  mov qword ptr [rbp+232], 0
  mov qword ptr [rbp+240], 0
  mov qword ptr [rbp+248], 0
  mov r12d, 1
14:
  mov eax, 0x384003
  lea ecx, [r12-1]
  bt eax, ecx
  jnc 15f
  mov edi, r12d
  lea rsi, [rbp+192]
  lea rdx, [rbp+224]
  cmp r12d, 20
  cmovae rsi, rdx
  lea edx, [r12-1]
  shl edx, 5
  lea rdx, [rbp+rdx+256]
  mov r10d, 8
  mov eax, 13
  syscall
15:
  inc r12d
  cmp r12d, 23
  jb 14b
  mov edi, r13d
  lea rsi, [rbp+168]
  mov edx, 8
  mov eax, 1
  syscall
  cmp eax, 8
  jne 8f
4:
  mov edi, r13d
  lea rsi, [rbp+176]
  mov edx, 4
  xor eax, eax
  syscall
  cmp eax, -4
  je 4b
  cmp eax, 4
  jne 8f
  cmp dword ptr [rbp+176], 0x100
  jne 8f
6:
  mov edi, r13d
  lea rsi, [rbp+176]
  mov edx, 4
  xor eax, eax
  syscall
  cmp eax, -4
  je 6b
  cmp eax, 4
  jne 7f
  mov edi, [rbp+176]
  test edi, 0x200
  jnz 11f
  test edi, 0x400
  jnz 13f
  mov eax, 231
  syscall
  hlt
13:
  and edi, 0xff
  mov r12d, edi
  mov qword ptr [rbp+256], 1
  mov qword ptr [rbp+264], 1
  mov edi, 4
  lea rsi, [rbp+256]
  mov eax, 160
  syscall
  mov qword ptr [rbp+224], 0
  mov edi, r12d
  lea rsi, [rbp+224]
  xor edx, edx
  mov r10d, 8
  mov eax, 13
  syscall
  lea ecx, [r12-1]
  mov eax, 1
  shl rax, cl
  mov [rbp+256], rax
  mov edi, 1
  lea rsi, [rbp+256]
  xor edx, edx
  mov r10d, 8
  mov eax, 14
  syscall
  mov eax, 39
  syscall
  mov edi, eax
  mov esi, r12d
  mov eax, 62
  syscall
  lea edi, [r12+128]
  mov eax, 231
  syscall
  hlt
11:
  and edi, 0xff
  mov r12d, edi
  mov qword ptr [rbp+224], 0
  lea rsi, [rbp+224]
  xor edx, edx
  mov r10d, 8
  mov eax, 13
  syscall
  mov eax, 39
  syscall
  mov edi, eax
  mov esi, r12d
  mov eax, 62
  syscall
  mov qword ptr [rbp+224], 1
  mov edi, r12d
  lea rsi, [rbp+224]
  xor edx, edx
  mov r10d, 8
  mov eax, 13
  syscall
  jmp 6b
7:
  mov edi, 2
  lea rsi, [rip+32f]
  mov edx, 54
  mov eax, 1
  syscall
  mov edi, 1
  mov eax, 231
  syscall
  hlt
8:
  mov edi, r15d
  mov esi, 9
  mov eax, 62
  syscall
  mov edi, r15d
  lea rsi, [rbp+160]
  mov edx, 0x40000000
  xor r10d, r10d
  mov eax, 61
  syscall
  cmp eax, -4
  je 8b
  mov r12d, 1
12:
  mov eax, 0x384003
  lea ecx, [r12-1]
  bt eax, ecx
  jnc 16f
  mov edi, r12d
  lea esi, [r12-1]
  shl esi, 5
  lea rsi, [rbp+rsi+256]
  xor edx, edx
  mov r10d, 8
  mov eax, 13
  syscall
16:
  inc r12d
  cmp r12d, 23
  jb 12b
9:
  mov rdi, [rbx+24]
  lea rsi, [rbx+24]
  mov rcx, [rbx]
  lea rdx, [rbx+rcx*8+16]
  mov eax, 59
  syscall
  mov edi, 127
  mov eax, 231
  syscall
  hlt
20:
  mov edi, 1
  mov esi, 9
  mov eax, 157
  syscall
  mov eax, 110
  syscall
  cmp eax, r12d
  jne 29f
  mov edi, 0x59616d61
  mov esi, r14d
  mov eax, 157
  syscall
  mov eax, 39
  syscall
  mov edi, eax
  mov esi, 19
  mov eax, 62
  syscall
${INSTALL_FILTER_ASSEMBLY}4:
  mov edi, 1
  xor esi, esi
  mov eax, 157
  syscall
  mov edi, 0x59616d61
  xor esi, esi
  mov eax, 157
  syscall
  mov rdi, r15
  mov rsi, rbx
  mov rdx, rbp
  mov eax, 59
  syscall
  neg eax
  mov edi, eax
  mov eax, 231
  syscall
  hlt
29:
  mov edi, 10
  mov eax, 231
  syscall
  hlt
30:
  cmp dword ptr [rsi+8], 0x80
  je 33f
  mov esi, edi
  mov edi, r15d
  mov eax, 62
  syscall
33:
  ret
31:
  mov eax, 15
  syscall
  hlt
32:
  .ascii "umview-lite: the monitor server exited during the run\n"
`;

export const HAND_OFF_CODE = Buffer.from(
  '4889e34881ecc00300004889e5bf01000000be0100080031d2b8290000000f0585c00f88cb0300004189c566c74500' +
    '0100488b7310488d7d02b96c0000008a06880784c0740f48ffc648ffc7ffc975eee99e0300004489ef4889eeba6e00' +
    '0000b82a0000000f0585c00f8584030000c785900000000c0000004489efbe01000000ba110000004c8d9580000000' +
    '4c8d8590000000b8370000000f0585c00f8550030000448bb580000000b8270000000f054189c4b8390000000f0585' +
    'c00f88300300000f844e0300004189c74489ff488db5a0000000ba020000004531d2b83d0000000f0583f8fc74e244' +
    '39f80f850003000080bda00000007f0f85f30200004489a5a80000004489bdac000000488d05ec030000488985c000' +
    '000048c785c800000004000014488d05e9030000488985d000000048c785d80000000000000048c785e00000000100' +
    '000048c785e80000000000000048c785f00000000000000048c785f80000000000000041bc01000000b80340380041' +
    '8d4c24ff0fa3c873364489e7488db5c0000000488d95e00000004183fc14480f43f2418d5424ffc1e205488d941500' +
    '01000041ba08000000b80d0000000f0541ffc44183fc1772b24489ef488db5a8000000ba08000000b8010000000f05' +
    '83f8080f85a70100004489ef488db5b0000000ba0400000031c00f0583f8fc74e883f8040f858601000081bdb00000' +
    '00000100000f85760100004489ef488db5b0000000ba0400000031c00f0583f8fc74e883f8040f85300100008bbdb0' +
    '000000f7c7000200000f85b8000000f7c7000400007508b8e70000000f05f481e7ff0000004189fc48c78500010000' +
    '0100000048c7850801000001000000bf04000000488db500010000b8a00000000f0548c785e0000000000000004489' +
    'e7488db5e000000031d241ba08000000b80d0000000f05418d4c24ffb80100000048d3e048898500010000bf010000' +
    '00488db50001000031d241ba08000000b80e0000000f05b8270000000f0589c74489e6b83e0000000f05418dbc2480' +
    '000000b8e70000000f05f481e7ff0000004189fc48c785e000000000000000488db5e000000031d241ba08000000b8' +
    '0d0000000f05b8270000000f0589c74489e6b83e0000000f0548c785e0000000010000004489e7488db5e000000031' +
    'd241ba08000000b80d0000000f05e9affeffffbf02000000488d35b2010000ba36000000b8010000000f05bf010000' +
    '00b8e70000000f05f44489ffbe09000000b83e0000000f054489ff488db5a0000000ba000000404531d2b83d000000' +
    '0f0583f8fc74d341bc01000000b803403800418d4c24ff0fa3c873224489e7418d7424ffc1e605488db43500010000' +
    '31d241ba08000000b80d0000000f0541ffc44183fc1772c6488b7b18488d7318488b0b488d54cb10b83b0000000f05' +
    'bf7f000000b8e70000000f05f4bf01000000be09000000b89d0000000f05b86e0000000f054439e00f85bc000000bf' +
    '616d61594489f6b89d0000000f05b8270000000f0589c7be13000000b83e0000000f054d85ed745bbf010000004c89' +
    'f64c89eab83d0100000f0583f8f3752bbf26000000be0100000031d24531d24531c0b89d0000000f05bf010000004c' +
    '89f64c89eab83d0100000f0585c07415b8270000000f0589c7be1f000000b83e0000000f05bf0100000031f6b89d00' +
    '00000f05bf616d615931f6b89d0000000f054c89ff4889de4889eab83b0000000f05f7d889c7b8e70000000f05f4bf' +
    '0a000000b8e70000000f05f4817e0880000000740c89fe4489ffb83e0000000f05c3b80f0000000f05f4756d766965' +
    '772d6c6974653a20746865206d6f6e69746f72207365727665722065786974656420647572696e6720746865207275' +
    '6e0a',
  'hex',
);

/** What the server writes once it has seized the client's child. */
export const HAND_OFF_ADOPTED = 0x100;

/** What the server writes, or-ed with the signal, when the command stopped for job control: the
 * client stops itself with that signal, so that the shell sees its job stopped once the
 * command is, not before (it ignores SIGTSTP, SIGTTIN and SIGTTOU itself). */
export const HAND_OFF_STOPPED = 0x200;

/** What the server writes, or-ed with the signal, when the command was killed by a signal: the
 * client kills itself with it (RLIMIT_CORE 1 first, which no core is written or piped with: the
 * command dumped its own), so that its shell sees what it would natively (exiting with 128 + N
 * is not the same to a shell). */
export const HAND_OFF_KILLED = 0x400;

/** The registers through which the server hands the seized child the program it execs (the
 * seccomp filter's are TRAMPOLINE_FILTER_REGISTERS, as for the spawn trampoline). */
export const HAND_OFF_EXEC_REGISTERS = { path: 'r15', argv: 'rbx', envp: 'rbp' } as const;
