/**
 * The seccomp filter the sandbox loads (bubblewrap `--seccomp`): system calls the code has no use
 * for and that reach past its namespaces fail with EPERM — the kernel keyring (a session keyring
 * inherited from the caller holds its keys, whatever the user id), ptrace and cross-process memory
 * access, BPF, perf events, userfaultfd and io_uring (large kernel attack surface), module and
 * kexec loading, and file handles. A process of another architecture's ABI is killed (x32 calls on
 * x86-64 too), so no call slips past by its number. A classic BPF program, built here because the
 * list is short and a library (libseccomp) would be a native dependency.
 */
const denied: Record<'x64' | 'arm64', number[]> = {
  // ptrace, keyctl, add_key, request_key, bpf, perf_event_open, userfaultfd, io_uring_setup/enter/register,
  // kexec_load, kexec_file_load, init_module, finit_module, delete_module, process_vm_readv/writev,
  // open_by_handle_at, name_to_handle_at (linux/arch/x86/entry/syscalls/syscall_64.tbl)
  x64: [101, 250, 248, 249, 321, 298, 323, 425, 426, 427, 246, 320, 175, 313, 176, 310, 311, 304, 303],
  // the same calls (include/uapi/asm-generic/unistd.h)
  arm64: [117, 219, 217, 218, 280, 241, 282, 425, 426, 427, 104, 294, 105, 273, 106, 270, 271, 265, 264],
};
const auditArch = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;

const load = 0x20; // BPF_LD | BPF_W | BPF_ABS
const jumpIfEqual = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const jumpIfAtLeast = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const ret = 0x06; // BPF_RET | BPF_K
const allow = 0x7fff0000;
const killProcess = 0x80000000;
const errnoEperm = 0x00050000 | 1;
const x32Bit = 0x40000000;

/** The filter for this machine's architecture, as the bytes `--seccomp` reads; undefined where none is known (the sandbox then runs without one, and says so). */
export function seccompFilter(arch: string = process.arch): Buffer | undefined {
  if (arch !== 'x64' && arch !== 'arm64') return undefined;
  const numbers = denied[arch];
  const program: [number, number, number, number][] = [];
  program.push([load, 0, 0, 4]); // seccomp_data.arch
  program.push([jumpIfEqual, 1, 0, auditArch[arch]]);
  program.push([ret, 0, 0, killProcess]);
  program.push([load, 0, 0, 0]); // seccomp_data.nr
  // After the checks come ALLOW, then EPERM: check i jumps over the checks after it and ALLOW.
  const checks = (arch === 'x64' ? 1 : 0) + numbers.length;
  let remaining = checks;
  if (arch === 'x64') program.push([jumpIfAtLeast, --remaining + 1, 0, x32Bit]);
  for (const number of numbers) program.push([jumpIfEqual, --remaining + 1, 0, number]);
  program.push([ret, 0, 0, allow]);
  program.push([ret, 0, 0, errnoEperm]);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], index) => {
    bytes.writeUInt16LE(code, index * 8);
    bytes.writeUInt8(jt, index * 8 + 2);
    bytes.writeUInt8(jf, index * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, index * 8 + 4);
  });
  return bytes;
}
