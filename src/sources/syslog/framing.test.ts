import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { datagramFrame, StreamFramer, type Frame } from './framing.js';

const CAPTURES = new URL('../../../../shared/data/captures/syslog/', import.meta.url);

/** Frames of `input` fed in one piece. */
function whole(input: Buffer, max = 65536): Frame[] {
  const f = new StreamFramer(max);
  return [...f.decode(input), ...f.end()];
}

/** The frame's text as decoded, with a byte order mark left out of it put back. */
function text(fr: Frame): string {
  return fr.bomAt === undefined ? fr.message : fr.message.slice(0, fr.bomAt) + '\ufeff' + fr.message.slice(fr.bomAt);
}

/** Frames of `input` fed in the given pieces. */
function pieces(parts: Buffer[], max = 65536): Frame[] {
  const f = new StreamFramer(max);
  const out: Frame[] = [];
  for (const p of parts) out.push(...f.decode(p));
  out.push(...f.end());
  return out;
}

/** Asserts that every way of cutting `input` (byte by byte; in two at every position) gives `expected`. */
function sameAtEverySplit(input: Buffer, expected: Frame[], max = 65536): void {
  assert.deepEqual(whole(input, max), expected, 'in one piece');
  const bytes: Buffer[] = [];
  for (let i = 0; i < input.length; i++) bytes.push(input.subarray(i, i + 1));
  assert.deepEqual(pieces(bytes, max), expected, 'byte by byte');
  for (let cut = 0; cut <= input.length; cut++) {
    assert.deepEqual(pieces([input.subarray(0, cut), input.subarray(cut)], max), expected, `split at ${cut}`);
  }
  // three pieces, every pair of cuts (inputs here are small)
  if (input.length <= 400) {
    for (let a = 1; a < input.length; a += 3) {
      for (let b = a; b < input.length; b += 7) {
        assert.deepEqual(pieces([input.subarray(0, a), input.subarray(a, b), input.subarray(b)], max), expected, `cuts at ${a}, ${b}`);
      }
    }
  }
}

const ok = (message: string): Frame => ({ message, truncated: false });
const cut = (message: string): Frame => ({ message, truncated: true });
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('stream framing: octet counting (RFC 6587 3.4.1)', () => {
  test('LEN SP MSG frames back to back', () => {
    sameAtEverySplit(b('5 hello11 hello world3 abc'), [ok('hello'), ok('hello world'), ok('abc')]);
  });

  test('a line end inside the count (rsyslog) or after the frame is not part of the message', () => {
    sameAtEverySplit(b('6 hello\n6 world\n'), [ok('hello'), ok('world')]);
    sameAtEverySplit(b('5 hello\n5 world\r\n'), [ok('hello'), ok('world')]);
  });

  test('a message may contain line ends and NULs', () => {
    sameAtEverySplit(b('11 two\nlines\0!'), [ok('two\nlines\0!')]);
  });

  test('a count larger than the limit: the first max bytes are kept, the rest skipped, the frame tagged', () => {
    const big = 'x'.repeat(50);
    sameAtEverySplit(b(`50 ${big}4 next`), [cut('x'.repeat(16)), ok('next')], 16);
    const f = new StreamFramer(16);
    f.decode(b(`50 ${big}4 next`));
    assert.equal(f.stats.truncated, 1);
    assert.equal(f.stats.octetFrames, 2);
  });

  test('a huge count: memory stays bounded while its bytes are skipped', () => {
    const f = new StreamFramer(1024);
    assert.deepEqual(f.decode(b('9999999999 ')), []);
    const chunk = Buffer.alloc(65536, 0x61);
    for (let i = 0; i < 200; i++) assert.deepEqual(f.decode(chunk), []);
    assert.equal(f.buffered, 1026, "the limit plus two bytes of slack for a CRLF");
    assert.deepEqual(f.end(), [cut('a'.repeat(1024))]);
  });

  test('an incomplete frame at the end of the stream is delivered as far as it came, tagged', () => {
    sameAtEverySplit(b('5 hello20 only part'), [ok('hello'), cut('only part')]);
  });

  test('a count cut off by the end of the stream is kept as text', () => {
    sameAtEverySplit(b('5 hello12'), [ok('hello'), ok('12')]);
  });
});

describe('stream framing: non-transparent (RFC 6587 3.4.2)', () => {
  test('LF, CRLF and NUL end a message', () => {
    sameAtEverySplit(b('<13>one\n<13>two\r\n<13>three\0<13>four\n'), [ok('<13>one'), ok('<13>two'), ok('<13>three'), ok('<13>four')]);
  });

  test('empty lines give no message', () => {
    sameAtEverySplit(b('\n\r\n\0<1>a\n\n\n<1>b\n'), [ok('<1>a'), ok('<1>b')]);
  });

  test('a last line without its terminator is delivered when the stream ends', () => {
    sameAtEverySplit(b('<1>a\n<1>no end'), [ok('<1>a'), ok('<1>no end')]);
  });

  test('a line longer than the limit: the first max bytes, tagged, then the next line as usual', () => {
    sameAtEverySplit(b(`<1>${'y'.repeat(40)}\n<1>short\n`), [cut(`<1>${'y'.repeat(13)}`), ok('<1>short')], 16);
    sameAtEverySplit(b(`<1>${'y'.repeat(40)}`), [cut(`<1>${'y'.repeat(13)}`)], 16);
  });

  test('a line exactly at the limit is whole; its CRLF does not count', () => {
    sameAtEverySplit(b(`${'z'.repeat(16)}\r\n`), [ok('z'.repeat(16))], 16);
  });
});

describe('stream framing: detection per frame and garbage', () => {
  test('octet-counted and line frames may follow each other', () => {
    sameAtEverySplit(b('<1>line\n5 octet<1>again\n'), [ok('<1>line'), ok('octet'), ok('<1>again')]);
  });

  test('digits that are not a count are read as the start of a line, and counted', () => {
    sameAtEverySplit(b('12x not a count\n2026-11-26 started\n'), [ok('12x not a count'), ok('2026-11-26 started')]);
    const f = new StreamFramer(100);
    f.decode(b('12x not a count\n2026-11-26 started\n12345678901 eleven digits\n'));
    assert.equal(f.stats.fallbacks, 3);
    assert.equal(f.stats.lineFrames, 3);
  });

  test('a leading zero is not a count', () => {
    sameAtEverySplit(b('0 zero\n'), [ok('0 zero')]);
  });

  test('binary garbage never throws and gives bounded frames', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const junk = Buffer.alloc(200_000);
    for (let i = 0; i < junk.length; i++) junk[i] = rnd() & 0xff;
    const f = new StreamFramer(512);
    const out: Frame[] = [];
    for (let at = 0; at < junk.length; at += 1 + (rnd() % 5000)) out.push(...f.decode(junk.subarray(at, at + 1 + (rnd() % 5000))));
    out.push(...f.end());
    assert.ok(out.length > 0);
    for (const fr of out) assert.ok(Buffer.byteLength(fr.message) <= 512 * 3, 'bounded (replacement characters may widen)');
    assert.ok(f.buffered <= 512 + 10);
  });

  test('invalid UTF-8 is kept with replacement characters', () => {
    sameAtEverySplit(Buffer.from([0x3c, 0x31, 0x3e, 0xff, 0xc3, 0x28, 0x61, 0x0a]), [ok('<1>\ufffd\ufffd(a')]);
  });

  test('a multi-byte character cut by the limit is dropped whole, not half kept', () => {
    // 'é' is two bytes: with max 4, '<1>é' (5 bytes) keeps '<1>' only
    sameAtEverySplit(Buffer.from('<1>é and more\n', 'utf8'), [cut('<1>')], 4);
    sameAtEverySplit(Buffer.from('<1>aé\n', 'utf8'), [cut('<1>a')], 5);
    sameAtEverySplit(Buffer.from('<1>aé\n', 'utf8'), [ok('<1>aé')], 6);
  });
});

describe('stream framing: byte order marks', () => {
  const bom = (message: string, bomAt: number): Frame => ({ message, truncated: false, bomAt });
  const u = (s: string): Buffer => Buffer.from(s, 'utf8');

  test('the first BOM of a frame is left out and its place noted, in octet-counted and line frames', () => {
    const a = '<38>1 - h app - - - \ufeffhello';
    const line = '<38>1 - h app - - - \ufeffbye \ufeffnow';
    sameAtEverySplit(u(`${Buffer.byteLength(a)} ${a}${line}\n`), [bom('<38>1 - h app - - - hello', 20), bom('<38>1 - h app - - - bye \ufeffnow', 20)]);
    // frames without one, between frames with one, in one chunk
    sameAtEverySplit(u(`x\n\ufeffy\nz\n`), [ok('x'), bom('y', 0), ok('z')]);
  });

  test('an ASCII message with a BOM decodes to a one-byte string', () => {
    const [fr] = whole(u('<38>1 - h app - - - \ufeffhello\n'));
    assert.ok(fr);
    assert.equal(Buffer.byteLength(fr.message, 'latin1'), fr.message.length);
    assert.ok([...fr.message].every((c) => c.charCodeAt(0) <= 0xff));
  });

  test('decoding around the BOM gives the same text as decoding it whole, invalid UTF-8 included', () => {
    const cases = [[0xe2, 0xef, 0xbb, 0xbf, 0x61], [0xf0, 0x9f, 0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xef, 0xbb, 0xbf, 0xbf], [0x61, 0xef, 0xbb]];
    for (const c of cases) {
      const input = Buffer.from([...c, 0x0a]);
      const [fr] = whole(input);
      assert.ok(fr);
      assert.equal(text(fr), input.toString('utf8', 0, input.length - 1), JSON.stringify(c));
    }
  });

  test('datagrams: the first BOM is left out and its place noted', () => {
    assert.deepEqual(datagramFrame(u('<38>1 - h app - - - \ufeffhi\n'), 65536), bom('<38>1 - h app - - - hi', 20));
    assert.deepEqual(datagramFrame(u('plain'), 65536), ok('plain'));
  });
});

describe('stream framing: the captures of real senders', () => {
  // loggen with --sdata counts 39 octets too few; that capture has its own test below
  const MISCOUNTED = 'loggen-tcp-rfc5424-octet-bom.bin';
  const files = readdirSync(CAPTURES).filter((f) => f.endsWith('.bin') && !f.includes('-udp') && f !== MISCOUNTED);
  test('captures are there', () => assert.ok(files.length >= 10, files.join(', ')));
  for (const name of files) {
    test(`${name}: the same messages at every split`, () => {
      const bytes = readFileSync(new URL(name, CAPTURES));
      const frames = whole(bytes);
      // each frame is one syslog message: it starts with a PRI, and no frame has a line end left over at its end
      assert.ok(frames.length >= 1);
      for (const fr of frames) {
        assert.match(fr.message, /^<\d{1,3}>/, fr.message);
        assert.equal(fr.truncated, false);
        assert.doesNotMatch(fr.message, /[\r\n\0]$/);
      }
      const expectedCount = name.includes('3msgs') ? 3 : undefined;
      if (expectedCount !== undefined) assert.equal(frames.length, expectedCount);
      sameAtEverySplit(bytes, frames);
    });
  }

  test('octet-counted captures give exactly the counted messages', () => {
    const bytes = readFileSync(new URL('rsyslog-tcp-rfc5424-octet.bin', CAPTURES));
    const frames = whole(bytes);
    assert.equal(frames.length, 4);
    assert.ok(frames[0]?.message.endsWith('Failed password for invalid user bob1 from 127.0.0.1 port 40001 ssh2'));
    assert.ok(frames[3]?.message.endsWith('rfc5424 in, rfc5424 out'));
  });

  test('loggen --sdata: counts too short by 39 octets still give each whole message once', () => {
    const bytes = readFileSync(new URL(MISCOUNTED, CAPTURES));
    const f = new StreamFramer(65536);
    const frames = [...f.decode(bytes), ...f.end()];
    assert.deepEqual(
      frames.map((fr) => /^<38>1 .* \[test@32473 run="1"\] \ufeffseq: (\d+), thread: 0000, runid: 1795718688, stamp: 2026-11-26T18:44:48 $/.exec(text(fr))?.[1]),
      ['0000000000', '0000000001', '0000000002', '0000000003', '0000000004'],
    );
    assert.equal(f.stats.miscounted, 5);
    // cut anywhere, every message is still there once (a cut right after the counted bytes splits that one message)
    for (let at = 0; at <= bytes.length; at++) {
      const got = pieces([bytes.subarray(0, at), bytes.subarray(at)]);
      assert.ok(got.length === 5 || got.length === 6, `split at ${at}: ${got.length}`);
      const seqs = got.flatMap((fr) => [...fr.message.matchAll(/seq: (\d+)/g)].map((m) => m[1]));
      assert.deepEqual(seqs, ['0000000000', '0000000001', '0000000002', '0000000003', '0000000004'], `split at ${at}`);
    }
  });

  test('a correct count followed by a frame start is never extended', () => {
    sameAtEverySplit(b('5 <1>ab5 <1>cd<1>line\n'), [ok('<1>ab'), ok('<1>cd'), ok('<1>line')]);
  });
});

describe('datagram framing', () => {
  test('one datagram is one message; a trailing LF, CRLF or NUL is stripped', () => {
    assert.deepEqual(datagramFrame(b('<13>hello\n'), 100), ok('<13>hello'));
    assert.deepEqual(datagramFrame(b('<13>hello\r\n'), 100), ok('<13>hello'));
    assert.deepEqual(datagramFrame(b('<13>hello\0'), 100), ok('<13>hello'));
    assert.deepEqual(datagramFrame(b('<13>two\nlines'), 100), ok('<13>two\nlines'));
  });

  test('an empty datagram is no message; a long one is truncated and tagged', () => {
    assert.equal(datagramFrame(Buffer.alloc(0), 100), undefined);
    assert.equal(datagramFrame(b('\n'), 100), undefined);
    assert.deepEqual(datagramFrame(b('<13>0123456789'), 8), cut('<13>0123'));
  });

  test('the UDP captures', () => {
    for (const name of readdirSync(CAPTURES).filter((f) => f.includes('-udp'))) {
      const fr = datagramFrame(readFileSync(new URL(name, CAPTURES)), 65536);
      assert.ok(fr, name);
      assert.match(fr.message, /^<\d+>/);
      assert.doesNotMatch(fr.message, /\n$/);
    }
  });
});
