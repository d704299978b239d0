// Software breakpoints: an int3 byte (0xcc) written over the first byte of an instruction.
//
// Several owners can want a trap at one address (two user breakpoints on one line, a user
// breakpoint and the temporary breakpoint of a `next`, the dynamic loader's hook): the byte is
// written once, when the first owner arrives, and restored when the last one leaves.
//
// Writes go through ptrace-core's Tracee.write: process_vm_writev fails on read-only .text and
// it falls back to /proc/PID/mem, which writes the way ptrace does.
import type { Tracee } from '@umview/ptrace-core';

export const INT3 = 0xcc;

/** Who wants a trap at an address: `user:<id>`, `loader`, `step`... */
export type BreakpointOwner = string;

interface Site {
  readonly address: bigint;
  /** The byte the int3 replaced. */
  original: number;
  readonly owners: Set<BreakpointOwner>;
  /** Whether the int3 is in memory now (false while a thread steps over it). */
  inserted: boolean;
}

export class SoftwareBreakpoints {
  private readonly sites = new Map<bigint, Site>();
  /** Every address that held an int3 of ours in this address space: a SIGTRAP from one of them
   * is ours even after the breakpoint was removed (a thread that hit it just before). */
  private readonly everInserted = new Set<bigint>();

  /** `memory()` gives a live thread of the debuggee, through which memory is accessed. */
  constructor(private readonly memory: () => Tracee) {}

  /** Adds an owner at `address`, writing the int3 if it is the first. Throws MemoryAccessError
   * if the address is not mapped. */
  add(address: bigint, owner: BreakpointOwner): void {
    const site = this.sites.get(address);
    if (site !== undefined) {
      site.owners.add(owner);
      return;
    }
    const tracee = this.memory();
    const original = tracee.read(address, 1)[0]!;
    tracee.write(address, Uint8Array.of(INT3));
    this.sites.set(address, { address, original, owners: new Set([owner]), inserted: true });
    this.everInserted.add(address);
  }

  /** Removes an owner; the original byte comes back when no owner is left. */
  delete(address: bigint, owner: BreakpointOwner): void {
    const site = this.sites.get(address);
    if (site === undefined || !site.owners.delete(owner) || site.owners.size > 0) return;
    this.sites.delete(address);
    if (site.inserted) this.restore(site);
  }

  /** Removes an owner without touching memory: the code at `address` was unmapped. */
  forget(address: bigint, owner: BreakpointOwner): void {
    const site = this.sites.get(address);
    if (site === undefined || !site.owners.delete(owner) || site.owners.size > 0) return;
    this.sites.delete(address);
  }

  /** Removes an owner from every address it holds. */
  deleteOwner(owner: BreakpointOwner): void {
    for (const site of [...this.sites.values()]) if (site.owners.has(owner)) this.delete(site.address, owner);
  }

  ownersAt(address: bigint): ReadonlySet<BreakpointOwner> | undefined {
    return this.sites.get(address)?.owners;
  }

  /** Whether an int3 of ours is in memory at `address` now. */
  isInserted(address: bigint): boolean {
    return this.sites.get(address)?.inserted ?? false;
  }

  /** Whether `address` ever held one of our int3s in this address space. */
  wasEverInserted(address: bigint): boolean {
    return this.everInserted.has(address);
  }

  /** Puts the original byte back for a moment, so that one thread can execute the instruction. */
  suspend(address: bigint): void {
    const site = this.sites.get(address);
    if (site === undefined || !site.inserted) return;
    this.restore(site);
    site.inserted = false;
  }

  /** Writes the int3 again after `suspend`, unless every owner left meanwhile. */
  resume(address: bigint): void {
    const site = this.sites.get(address);
    if (site === undefined || site.inserted) return;
    this.memory().write(address, Uint8Array.of(INT3));
    site.inserted = true;
  }

  /** Replaces our int3s in a copy of debuggee memory read at `address` by the original bytes. */
  unpatch(address: bigint, bytes: Buffer): Buffer {
    const end = address + BigInt(bytes.length);
    for (const site of this.sites.values()) {
      if (site.inserted && site.address >= address && site.address < end) bytes[Number(site.address - address)] = site.original;
    }
    return bytes;
  }

  /**
   * Writes `data` into the debuggee at `address` as if no int3 of ours were there: where a site
   * lies in the range, its saved original byte takes the new value and the int3 stays in memory.
   * Returns how many bytes were written (a write may stop at an unwritable page).
   */
  writeThrough(address: bigint, data: Uint8Array): number {
    const bytes = Buffer.from(data);
    const end = address + BigInt(bytes.length);
    const touched: Site[] = [];
    for (const site of this.sites.values()) {
      if (site.address < address || site.address >= end) continue;
      touched.push(site);
      if (site.inserted) bytes[Number(site.address - address)] = INT3;
    }
    const written = this.memory().memory.writeAvailable(address, bytes);
    for (const site of touched) {
      const index = Number(site.address - address);
      if (index < written) site.original = data[index]!;
    }
    return written;
  }

  /** Restores every original byte in `tracee`'s address space: before a detach, or in a forked
   * child (which inherited a copy of the parent's memory with our int3s in it). */
  writeOriginals(tracee: Tracee = this.memory()): void {
    for (const site of this.sites.values()) {
      if (site.inserted) tracee.write(site.address, Uint8Array.of(site.original));
    }
  }

  /** Forgets everything without touching memory: after exec the address space is new. */
  reset(): void {
    this.sites.clear();
    this.everInserted.clear();
  }

  /** Forgets every site after `writeOriginals` (detach). */
  clear(): void {
    this.sites.clear();
  }

  private restore(site: Site): void {
    this.memory().write(site.address, Uint8Array.of(site.original));
  }
}
