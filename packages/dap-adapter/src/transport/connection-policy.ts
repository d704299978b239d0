// Who may use the adapter. Whoever drives it can launch any program as the adapter's user and
// read and write the memory of what it debugs, so a connection is served only when the kernel
// says it comes from that user, or from a uid named with --allow-uid; root's adapter is no
// exception. A refused connection is closed before a byte of it is read, with one line on the
// adapter's log saying who was refused and how to let them in.
import type { Socket } from 'node:net';

export interface PeerPolicyOptions {
  /** uids served besides the adapter's own (its effective uid). */
  readonly allowUids?: readonly number[];
  /** Where refusals are reported: the adapter's stderr by default. */
  readonly log?: (line: string) => void;
}

/** The uids an adapter serves: its own (effective) uid first, then those allowed, once each. */
export function servedUids(allowUids: readonly number[] = []): number[] {
  return [...new Set([process.geteuid!(), ...allowUids])];
}

export class PeerPolicy {
  private readonly allowed: ReadonlySet<number>;
  private readonly log: (line: string) => void;

  constructor(options: PeerPolicyOptions = {}) {
    this.allowed = new Set(servedUids(options.allowUids));
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** The uids served, in order: for the listening line. */
  get uids(): readonly number[] {
    return [...this.allowed];
  }

  /** Whether to serve a connection from `uid` (undefined: the kernel could not say who it is).
   * A refused socket is destroyed here. */
  admit(socket: Socket, uid: number | undefined, from: string): boolean {
    if (uid !== undefined && this.allowed.has(uid)) return true;
    const who = uid === undefined ? 'an unknown user (its socket could not be identified)' : `uid ${uid}`;
    this.log(`umview-dap: refused a connection from ${who} on ${from}: this adapter serves uid ${this.uids.join(', ')} only (--allow-uid UID serves another)`);
    socket.destroy();
    return false;
  }
}
