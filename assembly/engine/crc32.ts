// CRC-32 (IEEE 802.3: reflected, polynomial 0xEDB88320, init and final xor
// 0xFFFFFFFF), table-driven. The 1 KiB table lives in zero-filled static memory
// and is computed on first use, so it adds no bytes to the module.
const CRC_TABLE: usize = memory.data(256 * 4, 4);
let tableReady = false;

function fillTable(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    store<u32>(CRC_TABLE + (<usize>n << 2), c);
  }
  tableReady = true;
}

/** The CRC-32 of the bytes before, `crc` (0 for none), extended by [ptr, ptr + len). */
export function crc32Update(crc: u32, ptr: usize, len: usize): u32 {
  if (!tableReady) fillTable();
  let c: u32 = crc ^ 0xffffffff;
  const end = ptr + len;
  for (let p = ptr; p < end; p++) {
    c = load<u32>(CRC_TABLE + (<usize>((c ^ <u32>load<u8>(p)) & 0xff) << 2)) ^ (c >>> 8);
  }
  return c ^ 0xffffffff;
}
