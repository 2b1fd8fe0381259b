import { readdirSync, readFileSync } from 'node:fs';

/** PIDs of the processes started with `--port=` one of these hosts' ports (read from /proc, Linux only). */
export function pidsListeningAs(...hosts: string[]): number[] {
  const ports = hosts.map((host) => `--port=${host.split(':')[1]}`);
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return ports.some((port) => args.includes(port));
      } catch {
        return false;
      }
    })
    .map(Number);
}
