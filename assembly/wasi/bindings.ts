// The WASI (wasi_snapshot_preview1) functions the command uses, and their constants: the
// command's only imports.
@external("wasi_snapshot_preview1", "args_sizes_get")
export declare function args_sizes_get(argc: usize, argvBufSize: usize): u16;
@external("wasi_snapshot_preview1", "args_get")
export declare function args_get(argv: usize, argvBuf: usize): u16;
@external("wasi_snapshot_preview1", "fd_prestat_get")
export declare function fd_prestat_get(fd: u32, prestat: usize): u16;
@external("wasi_snapshot_preview1", "fd_prestat_dir_name")
export declare function fd_prestat_dir_name(fd: u32, path: usize, pathLen: usize): u16;
@external("wasi_snapshot_preview1", "path_open")
export declare function path_open(
  dirFd: u32, dirFlags: u32, path: usize, pathLen: usize, oflags: u16,
  rightsBase: u64, rightsInheriting: u64, fdFlags: u16, fdOut: usize,
): u16;
@external("wasi_snapshot_preview1", "fd_read")
export declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, nread: usize): u16;
@external("wasi_snapshot_preview1", "fd_write")
export declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, nwritten: usize): u16;
@external("wasi_snapshot_preview1", "fd_seek")
export declare function fd_seek(fd: u32, offset: i64, whence: u8, newOffset: usize): u16;
@external("wasi_snapshot_preview1", "fd_close")
export declare function fd_close(fd: u32): u16;
@external("wasi_snapshot_preview1", "proc_exit")
export declare function proc_exit(code: u32): void;
@external("wasi_snapshot_preview1", "clock_time_get")
export declare function clock_time_get(clockId: u32, precision: u64, time: usize): u16;

export const STDOUT: u32 = 1;
export const STDERR: u32 = 2;
export const CLOCK_MONOTONIC: u32 = 1;
/** The first file descriptor a runtime may preopen (0–2 are stdio). */
export const FIRST_PREOPEN: u32 = 3;
export const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
export const OFLAGS_CREAT: u16 = 1;
export const OFLAGS_TRUNC: u16 = 8;
export const RIGHT_FD_READ: u64 = 1 << 1;
export const RIGHT_FD_SEEK: u64 = 1 << 2;
export const RIGHT_FD_WRITE: u64 = 1 << 6;
export const WHENCE_END: u8 = 2;
