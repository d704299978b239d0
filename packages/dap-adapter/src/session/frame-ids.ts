// DAP frame ids: small numbers, valid while the debuggee stays stopped, each naming one frame
// of one thread.
export class FrameIds {
  private readonly ids = new Map<string, number>();
  private readonly frames = new Map<number, { readonly threadId: number; readonly index: number }>();
  private next = 1;

  idFor(threadId: number, index: number): number {
    const key = `${threadId}:${index}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(key, id);
      this.frames.set(id, { threadId, index });
    }
    return id;
  }

  frame(id: number): { readonly threadId: number; readonly index: number } | undefined {
    return this.frames.get(id);
  }

  /** The debuggee ran: every id is void. */
  clear(): void {
    this.ids.clear();
    this.frames.clear();
  }
}
