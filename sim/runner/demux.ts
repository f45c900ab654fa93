/**
 * Docker's non-TTY attach framing: 8-byte header [stream, 0, 0, 0, size(be32)] then payload.
 * Incremental: headers and payloads may be split across socket reads. Pure; unit-tested.
 */

export type StreamId = 1 | 2;

export class Demuxer {
  private buf: Buffer = Buffer.alloc(0);
  private readonly onFrame: (stream: StreamId, data: Buffer) => void;

  constructor(onFrame: (stream: StreamId, data: Buffer) => void) {
    this.onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const kind = this.buf[0];
      const payload = this.buf.subarray(8, 8 + size);
      this.buf = this.buf.subarray(8 + size);
      // stdin echo (0) never happens for exec; anything but stderr is treated as stdout.
      if (payload.length) this.onFrame(kind === 2 ? 2 : 1, Buffer.from(payload));
    }
  }

  /** Bytes of an incomplete trailing frame (non-zero only if the stream was cut mid-frame). */
  get pending(): number {
    return this.buf.length;
  }
}
