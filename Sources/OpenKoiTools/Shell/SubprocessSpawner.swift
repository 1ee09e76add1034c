import Glibc
import OpenKoiCore

/// A started child: its pid (also its process group id) and the read ends of its output pipes.
struct SpawnedChild: Sendable {
    let pid: pid_t
    let stdoutFD: Int32
    /// `nil` when stderr shares the stdout pipe.
    let stderrFD: Int32?
}

/// Starts processes with `posix_spawn`: no fork of a multi-threaded Swift process, and the child's
/// setup (process group, pipes, signals, directory) happens atomically before exec.
enum SubprocessSpawner {
    static func spawn(_ spec: Subprocess) throws(SubprocessError) -> SpawnedChild {
        var (program, arguments, searchPath) = try commandLine(spec.command)
        if let directory = spec.workingDirectory {
            try checkDirectory(directory)
            if LibcExtensions.addChdir == nil {
                // Without posix_spawn_file_actions_addchdir_np (static binaries cannot dlsym it), a shell
                // changes directory and then execs the program, so the pid stays the command's own.
                arguments =
                    ["/bin/sh", "-c", "cd -- \"$1\" || exit 126; shift; exec \"$@\"", "sh", directory] + arguments
                program = "/bin/sh"
                searchPath = false
            }
        }

        let output = try makePipe()
        var errors: (read: Int32, write: Int32)?
        do {
            if spec.capture == .separate { errors = try makePipe() }
        } catch {
            closeBoth(output)
            throw error
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Commands that prompt (git, ssh, npm init) must see end-of-file, not hang on our stdin.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors?.write ?? output.write, 2)
        if let directory = spec.workingDirectory, let addChdir = LibcExtensions.addChdir {
            _ = addChdir(&actions, directory)
        }
        // Descriptors other modules opened without O_CLOEXEC (sockets, databases) must not leak into tools.
        if let addClosefrom = LibcExtensions.addClosefrom { _ = addClosefrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout or cancellation can signal everything the command started.
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        // Ignored dispositions survive exec; a server that ignores SIGPIPE must not pass that on to `yes | head`.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var pid: pid_t = 0
        let argv = Self.cStrings(arguments)
        defer { Self.release(argv) }
        let rc: Int32
        if let environment = spec.environment {
            let envp = Self.cStrings(environment.map { "\($0.key)=\($0.value)" })
            defer { Self.release(envp) }
            rc =
                searchPath
                ? posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
                : posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        } else {
            rc =
                searchPath
                ? posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
                : posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        }
        close(output.write)
        if let errors { close(errors.write) }
        guard rc == 0 else {
            close(output.read)
            if let errors { close(errors.read) }
            let reason = String(cString: strerror(rc))
            let hint = rc == ENOENT ? " (program not found: '\(program)')" : ""
            throw SubprocessError(.spawnFailed, "could not start '\(program)': \(reason)\(hint)", errno: rc)
        }
        _ = fcntl(output.read, F_SETFL, fcntl(output.read, F_GETFL) | O_NONBLOCK)
        if let errors { _ = fcntl(errors.read, F_SETFL, fcntl(errors.read, F_GETFL) | O_NONBLOCK) }
        return SpawnedChild(pid: pid, stdoutFD: output.read, stderrFD: errors?.read)
    }

    private static func commandLine(
        _ command: Subprocess.Command
    ) throws(SubprocessError) -> (program: String, arguments: [String], searchPath: Bool) {
        let arguments = command.arguments
        guard let first = arguments.first, !first.isEmpty else {
            throw SubprocessError(.spawnFailed, "no program given: argv is empty")
        }
        return (first, arguments, !first.contains("/"))
    }

    private static func checkDirectory(_ path: String) throws(SubprocessError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw SubprocessError(
                .spawnFailed, "working directory '\(path)' is not usable: \(String(cString: strerror(code)))",
                errno: code)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw SubprocessError(.spawnFailed, "working directory '\(path)' is not a directory", errno: ENOTDIR)
        }
    }

    static func makePipe() throws(SubprocessError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        // O_CLOEXEC: a pipe end leaking into another concurrently spawned child would keep our reader
        // waiting for an end-of-file that never comes.
        guard LibcExtensions.cloexecPipe(&fds) == 0 else {
            let code = errno
            throw SubprocessError(
                .spawnFailed, "could not create a pipe: \(String(cString: strerror(code)))", errno: code)
        }
        return (fds[0], fds[1])
    }

    private static func closeBoth(_ pipe: (read: Int32, write: Int32)) {
        close(pipe.read)
        close(pipe.write)
    }

    /// A NULL-terminated array of C copies of `strings`, for argv and envp; free with `release`.
    private static func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] {
        strings.map { strdup($0) } + [nil]
    }

    private static func release(_ pointers: [UnsafeMutablePointer<CChar>?]) {
        for pointer in pointers { free(pointer) }
    }
}
