import { describe, expect, test } from 'vitest';
import { Demuxer, type StreamId } from './demux.ts';

const frame = (stream: number, text: string): Buffer => {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

describe('Demuxer', () => {
  test('splits frames and routes stdout/stderr', () => {
    const got: Array<[StreamId, string]> = [];
    const d = new Demuxer((s, b) => got.push([s, b.toString()]));
    d.push(Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(1, '')]));
    expect(got).toEqual([
      [1, 'out'],
      [2, 'err'],
    ]);
    expect(d.pending).toBe(0);
  });

  test('reassembles headers and payloads split across reads, byte by byte', () => {
    const got: string[] = [];
    const d = new Demuxer((s, b) => got.push(`${s}:${b.toString()}`));
    const all = Buffer.concat([frame(1, 'hello world'), frame(2, 'x')]);
    for (const byte of all) d.push(Buffer.from([byte]));
    expect(got).toEqual(['1:hello world', '2:x']);
    expect(d.pending).toBe(0);
  });

  test('keeps an incomplete trailing frame pending', () => {
    const d = new Demuxer(() => {});
    d.push(frame(1, 'abcdef').subarray(0, 10));
    expect(d.pending).toBe(10);
  });
});
