import Glibc

/// GNU libc functions the Swift Glibc module does not import (they sit behind `_GNU_SOURCE`), looked
/// up at run time; each has a portable fallback for binaries where `dlsym` finds nothing (static links).
enum LibcExtensions {
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias Mkostemp = @convention(c) (UnsafeMutablePointer<CChar>, Int32) -> Int32

    private static let pipe2Function: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    private static let mkostempFunction: Mkostemp? = dlsym(nil, "mkostemp").map { unsafeBitCast($0, to: Mkostemp.self) }

    /// `posix_spawn_file_actions_addchdir_np` (glibc ≥ 2.29).
    static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34).
    static let addClosefrom: AddClosefrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: AddClosefrom.self)
    }

    /// A pipe whose ends are close-on-exec; -1 on failure with `errno` set.
    ///
    /// Atomically with `pipe2` so a process spawned concurrently by another thread cannot inherit an
    /// end (it would hold our pipe open and delay end-of-file).
    static func cloexecPipe(_ fds: UnsafeMutablePointer<Int32>) -> Int32 {
        if let pipe2Function { return pipe2Function(fds, O_CLOEXEC) }
        guard pipe(fds) == 0 else { return -1 }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    /// `mkstemp` with close-on-exec; the template's X's are replaced in place.
    static func cloexecTemporaryFile(_ template: UnsafeMutablePointer<CChar>) -> Int32 {
        if let mkostempFunction { return mkostempFunction(template, O_CLOEXEC) }
        let fd = mkstemp(template)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
    }
}
