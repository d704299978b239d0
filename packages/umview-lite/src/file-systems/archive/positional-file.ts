// An open host file read at explicit positions (pread): how an uncompressed tar and a zip's
// stored members are read in place, without loading the archive.
import { closeSync, fstatSync, openSync, read, readSync, write } from 'node:fs';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';

const pread = promisify(read);

export class PositionalFile {
  private closed = false;
  readonly size: number;

  constructor(readonly fd: number, readonly label: string) {
    this.size = fstatSync(fd).size;
  }

  static open(path: string): PositionalFile {
    return new PositionalFile(openSync(path, 'r'), path);
  }

  /** Up to `length` bytes at `position` (fewer only at the end of the file). */
  async read(length: number, position: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - position)));
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await pread(this.fd, buffer, done, buffer.length - done, position + done);
      if (bytesRead === 0) break; // the file shrank under us
      done += bytesRead;
    }
    return done === buffer.length ? buffer : buffer.subarray(0, done);
  }

  /** `read`, synchronously: for the served reads of members stored in place, a pread of a
   * local file being cheaper than holding the call for a promise. */
  readSync(length: number, position: number): Buffer {
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - position)));
    let done = 0;
    while (done < buffer.length) {
      const bytesRead = readSync(this.fd, buffer, done, buffer.length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === buffer.length ? buffer : buffer.subarray(0, done);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

const pwrite = promisify(write);

/** A stream that writes to `fd` from its start and never closes it (fs.createWriteStream on
 * an fd closes it when a pipeline destroys it after an error, whatever autoClose says); it
 * fails rather than write more than `limit` bytes. */
export function writerTo(fd: number, limit = Number.MAX_SAFE_INTEGER): Writable {
  let position = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (position + chunk.length > limit) {
        callback(new Error(`more than ${limit} bytes, the space left for it`));
        return;
      }
      (async () => {
        for (let done = 0; done < chunk.length; ) done += (await pwrite(fd, chunk, done, chunk.length - done, position + done)).bytesWritten;
        position += chunk.length;
      })().then(() => callback(), callback);
    },
  });
}
