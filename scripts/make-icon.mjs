// Draws the extension's icon (images/icon.png): a shield with a check mark on a dark
// rounded square. Only Node is needed; the PNG is committed, this is how to remake it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4; // per axis, for smooth edges

const BACKGROUND = [24, 44, 66];
const SHIELD = [63, 167, 214];
const SHIELD_EDGE = [214, 236, 247];
const CHECK = [255, 255, 255];

/** Half the shield's width at height y (both in 0..1): straight sides, then curving in to a point. */
function shieldHalfWidth(y) {
  if (y < 0.13 || y > 0.9) return -1;
  if (y < 0.46) return 0.33;
  return 0.33 * Math.cos(((y - 0.46) / 0.44) * Math.PI * 0.5);
}

/** The top edge dips towards the middle. */
function shieldTop(x) {
  return 0.13 + 0.05 * Math.cos((Math.min(Math.abs(x - 0.5), 0.33) / 0.33) * Math.PI * 0.5);
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedSquare(x, y, r = 0.18) {
  const cx = Math.min(Math.max(x, r), 1 - r), cy = Math.min(Math.max(y, r), 1 - r);
  return Math.hypot(x - cx, y - cy) <= r;
}

/** The colour (with alpha) of one sample point. */
function sample(x, y) {
  if (!insideRoundedSquare(x, y)) return [0, 0, 0, 0];
  const top = shieldTop(x);
  const half = y >= top ? shieldHalfWidth(y) : -1;
  const fromCentre = Math.abs(x - 0.5);
  const check = [[0.36, 0.5], [0.46, 0.62], [0.65, 0.38]];
  if (distanceToSegment(x, y, check[0], check[1]) < 0.045 || distanceToSegment(x, y, check[1], check[2]) < 0.045) return [...CHECK, 255];
  if (fromCentre <= half - 0.035 && y >= top + 0.035) return [...SHIELD, 255];
  if (fromCentre <= half) return [...SHIELD_EDGE, 255];
  return [...BACKGROUND, 255];
}

function pixel(px, py) {
  const sum = [0, 0, 0, 0];
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < SAMPLES; j++) {
      const c = sample((px + (i + 0.5) / SAMPLES) / SIZE, (py + (j + 0.5) / SAMPLES) / SIZE);
      for (let k = 0; k < 3; k++) sum[k] += c[k] * c[3];
      sum[3] += c[3];
    }
  }
  const n = SAMPLES * SAMPLES;
  return sum[3] === 0 ? [0, 0, 0, 0] : [sum[0] / sum[3], sum[1] / sum[3], sum[2] / sum[3], sum[3] / n].map(Math.round);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng() {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    raw[y * (SIZE * 4 + 1)] = 0; // no filter
    for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x, y)).copy(raw, y * (SIZE * 4 + 1) + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

mkdirSync(new URL('../images/', import.meta.url), { recursive: true });
writeFileSync(new URL('../images/icon.png', import.meta.url), encodePng());
