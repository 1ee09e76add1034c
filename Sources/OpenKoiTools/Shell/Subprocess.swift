import FoundationEssentials
import OpenKoiCore

/// A child process run to completion: spawned in its own process group, its output captured through
/// pipes, bounded by a timeout, and killed — with everything it started — when the calling task is
/// cancelled.
///
/// ```swift
/// let result = try await Subprocess(.shell("swift build"), workingDirectory: root, timeout: 600).run()
/// ```
public struct Subprocess: Sendable {
    public enum Command: Sendable, Hashable {
        /// Runs `/bin/sh -c <script>`.
        case shell(String)
        /// Runs the program directly; a name without `/` is looked up in `PATH`.
        case argv([String])

        /// The command line it runs: `/bin/sh -c <script>`, or the argv itself.
        public var arguments: [String] {
            switch self {
            case .shell(let script): return ["/bin/sh", "-c", script]
            case .argv(let argv): return argv
            }
        }
    }

    public enum OutputCapture: Sendable, Hashable {
        /// stdout and stderr share one pipe, so the text interleaves as a terminal would show it.
        case merged
        /// stderr goes to `SubprocessResult.errorOutput`.
        case separate
    }

    public var command: Command
    /// `nil` runs in the current directory.
    public var workingDirectory: String?
    /// The complete environment; `nil` inherits this process's. (An `.argv` program name is looked up
    /// in this process's `PATH`, as `posix_spawnp` does; `.shell` commands use the given one.)
    public var environment: [String: String]?
    /// Seconds before the process group gets SIGTERM (then SIGKILL after `killGracePeriod`); `nil` waits forever.
    public var timeout: Double?
    /// Seconds between SIGTERM and SIGKILL when the process is stopped.
    public var killGracePeriod: Double
    /// Bytes kept per stream; beyond it the oldest output is dropped.
    public var outputLimit: Int
    public var capture: OutputCapture
    /// Where stdout (or the merged output) is saved in full once it outgrows `outputLimit` (created
    /// 0600, must not exist); `nil` keeps only the tail.
    public var spillPath: String?

    public init(
        _ command: Command, workingDirectory: String? = nil, environment: [String: String]? = nil,
        timeout: Double? = nil, killGracePeriod: Double = 2, outputLimit: Int = 8 << 20,
        capture: OutputCapture = .merged, spillPath: String? = nil
    ) {
        self.spillPath = spillPath
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
        self.killGracePeriod = killGracePeriod
        self.outputLimit = outputLimit
        self.capture = capture
    }

    /// This process's environment, for callers that add a few variables to it.
    public static var inheritedEnvironment: [String: String] { ProcessInfo.processInfo.environment }

    /// Spawns the command and waits for it; the wait happens on a dedicated thread, not the cooperative pool.
    ///
    /// When the command exits, any background processes it left in its process group are stopped too,
    /// so nothing a tool started outlives the call.
    /// - Throws: `SubprocessError` when the process could not be started (or the task was already cancelled).
    public func run() async throws(SubprocessError) -> SubprocessResult {
        if Task.isCancelled { throw SubprocessError(.cancelled, "the task was cancelled before the command started") }
        let control = try SubprocessControl()
        let limits = SupervisionLimits(
            timeout: timeout, killGracePeriod: killGracePeriod, outputLimit: outputLimit, spillPath: spillPath)
        let outcome = await withTaskCancellationHandler {
            // Spawned on the thread that supervises it: a child's parent-death signal (bwrap's
            // --die-with-parent, PR_SET_PDEATHSIG) follows the spawning *thread*, and a pool thread
            // may exit while the child runs.
            await DedicatedThread.run { () -> Result<SubprocessResult, SubprocessError> in
                let child: SpawnedChild
                do throws(SubprocessError) {
                    child = try SubprocessSpawner.spawn(self)
                } catch {
                    control.close()
                    return .failure(error)
                }
                return .success(SubprocessSupervisor(child: child, control: control, limits: limits).superviseToExit())
            }
        } onCancel: {
            control.requestCancel()
        }
        return try outcome.get()
    }
}

public struct SubprocessResult: Sendable, Hashable {
    /// The child's process id (also its process group id); it has been reaped when this value exists.
    public var pid: Int32
    /// The exit status, or 128 + signal number when a signal ended it (the shell's convention).
    public var exitCode: Int32
    /// The signal that ended the process, if one did.
    public var terminatingSignal: Int32?
    /// The timeout passed and the process group was killed.
    public var timedOut: Bool
    /// The calling task was cancelled and the process group was killed.
    public var cancelled: Bool
    /// stdout, or stdout and stderr interleaved with `.merged` capture.
    public var output: String
    /// stderr with `.separate` capture; empty with `.merged`.
    public var errorOutput: String
    /// Bytes dropped from the front of the output to stay within `outputLimit`.
    public var droppedBytes: Int
    /// The file holding the complete output, when it outgrew `outputLimit` and `spillPath` was given.
    public var savedOutputPath: String?
    /// Why the complete output could not be saved, if saving was asked for and failed.
    public var saveFailure: String?

    public init(
        pid: Int32, exitCode: Int32, terminatingSignal: Int32? = nil, timedOut: Bool = false, cancelled: Bool = false,
        output: String, errorOutput: String = "", droppedBytes: Int = 0
    ) {
        self.pid = pid
        self.exitCode = exitCode
        self.terminatingSignal = terminatingSignal
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.output = output
        self.errorOutput = errorOutput
        self.droppedBytes = droppedBytes
    }
}

/// Why a process could not be run.
public struct SubprocessError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `posix_spawn` or a pipe failed (bad working directory, program not found, no resources).
        case spawnFailed
        case cancelled
    }

    public var kind: Kind
    /// The OS error number, when one caused it.
    public var errno: Int32?
    public var message: String

    init(_ kind: Kind, _ message: String, errno: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
