// CRC-32 (IEEE 802.3: reflected, polynomial 0xEDB88320, init and final xor 0xFFFFFFFF), four
// bits at a time from a 16-entry table: 64 bytes of static memory instead of a byte table's
// 1 KiB (RAM on a microcontroller); the CRC runs once per load. The table lives in zero-filled
// static memory and is computed on first use, so it adds no bytes to the module.
const CRC_TABLE: usize = memory.data(16 * 4, 4);
let tableReady = false;

function fillTable(): void {
  for (let n: u32 = 0; n < 16; n++) {
    let c = n;
    for (let k = 0; k < 4; k++) c = (c & 1) ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(CRC_TABLE + (<usize>n << 2), c);
  }
  tableReady = true;
}

@inline function step4(c: u32): u32 {
  return load<u32>(CRC_TABLE + (<usize>(c & 0xf) << 2)) ^ (c >>> 4);
}

/** The CRC-32 of the bytes before, `crc` (0 for none), extended by [ptr, ptr + len). */
export function crc32Update(crc: u32, ptr: usize, len: usize): u32 {
  if (!tableReady) fillTable();
  let c: u32 = crc ^ 0xffffffff;
  const end = ptr + len;
  for (let p = ptr; p < end; p++) c = step4(step4(c ^ <u32>load<u8>(p)));
  return c ^ 0xffffffff;
}
