import FoundationEssentials
import Glibc

/// The process groups a command's processes live in: the leader's own (the spawner makes the
/// command a group leader), and those of its children that started a session of their own —
/// bwrap's `--new-session` puts the sandbox's init and everything in it in one. A signal to the
/// leader's group alone misses those, and bwrap's `--die-with-parent` does not save them when
/// bwrap is killed while it is still setting the sandbox up: the sandbox then outlives the call.
/// Children are remembered by pid between signals; a pid is reused only after its process is
/// reaped, and the grace period is seconds.
struct ProcessGroups {
    let leader: pid_t
    /// The leader's children seen so far, remembered: once the leader is gone they are no longer
    /// its children, and one may start its own group after it was first seen.
    private var children: Set<pid_t> = []

    init(leader: pid_t) { self.leader = leader }

    /// Signals the leader's group and each child with its group; returns whether the leader's group
    /// still existed. A PID namespace's init (bwrap's inner process) ignores every signal but SIGKILL
    /// from outside; its namespace's other processes take a signal as members of its group.
    @discardableResult
    mutating func signal(_ signal: Int32) -> Bool {
        children.formUnion(Self.children(of: leader))
        for child in children {
            kill(-child, signal)
            kill(child, signal)
        }
        return kill(-leader, signal) == 0
    }

    /// Whether children were seen (and may still need a SIGKILL).
    var sawChildren: Bool { !children.isEmpty }

    /// The leader's children, from `/proc/<pid>/task/<pid>/children` (empty once it is gone).
    static func children(of pid: pid_t) -> [pid_t] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/task/\(pid)/children") else { return [] }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
            .compactMap { pid_t($0) }
    }
}
