// Machine code of the spawn trampoline (see spawn/trampoline.ts for why it exists).
//
// The trampoline is started as `trampoline PATH ARGV0 ARGS...`. It stops itself with SIGSTOP so
// that the tracer can PTRACE_SEIZE it, then execve(PATH, &argv[2], envp). If execve fails it
// exits with the errno as its exit status, so the tracer reports the exact error.
//
//   _start:
//     mov eax, 39                 ; getpid
//     syscall
//     mov edi, eax
//     mov esi, 19                 ; SIGSTOP
//     mov eax, 62                 ; kill(getpid(), SIGSTOP)
//     syscall
//     mov rdi, [rsp+16]           ; argv[1]: the program's path
//     lea rsi, [rsp+24]           ; &argv[2]: its argv, starting with its argv[0]
//     mov rcx, [rsp]              ; argc
//     lea rdx, [rsp+rcx*8+16]     ; envp = &argv[argc + 1]
//     mov eax, 59                 ; execve
//     syscall
//     neg eax                     ; execve failed: rax = -errno
//     mov edi, eax
//     mov eax, 231                ; exit_group(errno)
//     syscall
//     hlt
//
// test/trampoline.test.ts assembles this listing with `as` and checks the bytes below.
export const TRAMPOLINE_ASSEMBLY = `
.intel_syntax noprefix
.globl _start
_start:
  mov eax, 39
  syscall
  mov edi, eax
  mov esi, 19
  mov eax, 62
  syscall
  mov rdi, [rsp+16]
  lea rsi, [rsp+24]
  mov rcx, [rsp]
  lea rdx, [rsp+rcx*8+16]
  mov eax, 59
  syscall
  neg eax
  mov edi, eax
  mov eax, 231
  syscall
  hlt
`;

export const TRAMPOLINE_CODE = Buffer.from(
  'b8270000000f0589c7be13000000b83e0000000f05488b7c2410488d7424' +
    '18488b0c24488d54cc10b83b0000000f05f7d889c7b8e70000000f05f4',
  'hex',
);

/** ELF e_machine for x86-64. */
export const ELF_MACHINE = 62;
