/**
 * A CPU profile of a Go process — the Temporal dev server — taken with Linux `perf` and named through the
 * binary's own function table: release builds are stripped of symbols, but Go keeps `.gopclntab` for its
 * stack traces, and that is all a profile needs. Used by `bench:cost` to say where the server's share of a
 * lead's CPU goes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Whether `perf` can be run here (it is not installed everywhere; the benchmark then goes without). */
export function perfAvailable(): boolean {
  return spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Samples a process's CPU with call stacks until `stop`; Go keeps frame pointers, so `-g` walks its stacks. */
export function startPerf(pid: number, file: string): { stop(): Promise<void> } {
  const child: ChildProcess = spawn('perf', ['record', '-F', '499', '-g', '-o', file, '-p', String(pid)], {
    stdio: 'ignore',
  });
  // Also when perf ended on its own (not allowed to trace the process): the profile then has no samples.
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT'); // perf writes its file on SIGINT
      await exited;
    },
  };
}

/** A Go binary's functions: entry addresses (ascending) and names, read from its ELF sections. */
function goFunctions(binary: string): { load: number; entries: number[]; names: string[] } {
  const elf = readFileSync(binary);
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const [shentsize, shnum, shstrndx] = [elf.readUInt16LE(0x3a), elf.readUInt16LE(0x3c), elf.readUInt16LE(0x3e)];
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      name: elf.readUInt32LE(at),
      addr: Number(elf.readBigUInt64LE(at + 0x10)),
      offset: Number(elf.readBigUInt64LE(at + 0x18)),
    };
  };
  const names = section(shstrndx);
  const nameOf = (s: { name: number }) =>
    elf.toString('latin1', names.offset + s.name, elf.indexOf(0, names.offset + s.name));
  const sections = Array.from({ length: shnum }, (_, i) => section(i));
  const text = sections.find((s) => nameOf(s) === '.text');
  const pcln = sections.find((s) => nameOf(s) === '.gopclntab');
  if (!text || !pcln) throw new Error(`${binary}: no .text or .gopclntab section`);
  // Go 1.20+ header: magic, two pad bytes, min instruction size, pointer size, then nfunc, nfiles, textStart,
  // and the offsets of the function name table, …, and the function table (pcHeader in runtime/symtab.go).
  const h = pcln.offset;
  if (elf.readUInt32LE(h) !== 0xfffffff1) throw new Error(`${binary}: not a Go 1.20+ function table`);
  const word = (i: number) => Number(elf.readBigUInt64LE(h + 8 + i * 8));
  const [nfunc, funcnameOffset, pclnOffset] = [word(0), word(3), word(7)];
  const entries: number[] = [];
  const fnNames: string[] = [];
  for (let i = 0; i < nfunc; i++) {
    const entryOff = elf.readUInt32LE(h + pclnOffset + i * 8);
    const funcOff = elf.readUInt32LE(h + pclnOffset + i * 8 + 4);
    const nameOff = elf.readInt32LE(h + pclnOffset + funcOff + 4);
    const start = h + funcnameOffset + nameOff;
    entries.push(text.addr + entryOff);
    fnNames.push(elf.toString('utf8', start, elf.indexOf(0, start)));
  }
  // The executable is mapped from file offset 0 at its first LOAD segment's address.
  return { load: text.addr - text.offset, entries, names: fnNames };
}

/**
 * Reads a `perf record` file of the running process `pid`: the share of samples whose stack passes through each part
 * (parts overlap: a match of any of the part's patterns in any frame), the share in the kernel, and the
 * functions most samples were in.
 */
export async function goProfile(
  pid: number,
  file: string,
  parts: Record<string, RegExp>,
  top = 15,
): Promise<{
  samples: number;
  parts: Record<string, number>;
  inKernel: number;
  self: { fn: string; share: number }[];
}> {
  const binary = readlinkSync(`/proc/${pid}/exe`);
  const { load, entries, names } = goFunctions(binary);
  const nameAt = (address: number) => {
    let [lo, hi] = [0, entries.length - 1];
    if (address < entries[0]!) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (entries[mid]! <= address) lo = mid;
      else hi = mid - 1;
    }
    return names[lo]!;
  };
  const perf = spawn('perf', ['script', '-i', file, '-F', 'ip,dso'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const partHits = Object.fromEntries(Object.keys(parts).map((k) => [k, 0]));
  const self = new Map<string, number>();
  let [samples, inKernel] = [0, 0];
  let stack: string[] = [];
  const flush = () => {
    if (stack.length === 0) return;
    samples++;
    if (stack[0] === '[kernel]') inKernel++;
    const leaf = stack.find((f) => f !== '[kernel]') ?? '[kernel]';
    self.set(leaf, (self.get(leaf) ?? 0) + 1);
    for (const [part, pattern] of Object.entries(parts)) if (stack.some((f) => pattern.test(f))) partHits[part]!++;
    stack = [];
  };
  for await (const line of createInterface({ input: perf.stdout! })) {
    const m = /^\s*([0-9a-f]+)\s+\((.*)\)\s*$/.exec(line);
    if (!m) {
      flush();
      continue;
    }
    const [, ip, dso] = m;
    // perf prints an address in the executable relative to its mapping; kernel addresses as they are.
    if (dso!.includes('kernel')) stack.push('[kernel]');
    else if (dso === binary) stack.push(nameAt(parseInt(ip!, 16) + load) ?? `?${ip}`);
    else stack.push(`?${dso}`);
  }
  flush();
  const share = (n: number) => Number((n / Math.max(1, samples)).toFixed(3));
  return {
    samples,
    parts: Object.fromEntries(Object.entries(partHits).map(([k, n]) => [k, share(n)])),
    inKernel: share(inKernel),
    self: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, n]) => ({ fn, share: share(n) })),
  };
}
