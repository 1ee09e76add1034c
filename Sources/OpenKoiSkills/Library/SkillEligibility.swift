import OpenKoiCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether a skill can be used on this machine now, and if not, what to do about it (reference §9.4).
public struct SkillEligibility: Sendable, Hashable {
    /// Each unmet requirement as a user would fix it: "needs `jq` on PATH", "needs $GITHUB_TOKEN".
    public var reasons: [String]

    public init(reasons: [String]) { self.reasons = reasons }

    public static let eligible = SkillEligibility(reasons: [])

    public var isEligible: Bool { reasons.isEmpty }
    /// The reasons in one line, nil when eligible.
    public var reason: String? { reasons.isEmpty ? nil : reasons.joined(separator: "; ") }

    /// Checks the operating system, commands on `environment["PATH"]` and environment variables;
    /// a pattern-proposed skill is never eligible (approval moves it to `user/`).
    public static func check(
        _ skill: Skill, source: SkillSource, environment: [String: String], os: String = currentOS
    ) -> SkillEligibility {
        var reasons: [String] = []
        if source == .proposed { reasons.append("proposed, not approved") }
        if !skill.os.isEmpty, !skill.os.contains(osName(os)) {
            reasons.append("only on " + skill.os.joined(separator: ", "))
        }
        let path = environment["PATH"]
        let missing = skill.requiresBins.filter { !isExecutable(named: $0, path: path) }
        if !missing.isEmpty {
            reasons.append("needs " + missing.map { "`\($0)`" }.joined(separator: ", ") + " on PATH")
        }
        if !skill.requiresAnyBins.isEmpty,
            !skill.requiresAnyBins.contains(where: { isExecutable(named: $0, path: path) })
        {
            reasons.append(
                "needs one of " + skill.requiresAnyBins.map { "`\($0)`" }.joined(separator: ", ") + " on PATH")
        }
        let unset = skill.requiresEnv.filter { (environment[$0] ?? "").isEmpty }
        if !unset.isEmpty { reasons.append("needs " + unset.map { "$" + $0 }.joined(separator: ", ")) }
        return SkillEligibility(reasons: reasons)
    }

    /// The name skills use for the system this binary runs on.
    public static var currentOS: String {
        #if os(macOS)
            return "macos"
        #elseif os(Windows)
            return "windows"
        #else
            return "linux"
        #endif
    }

    /// Our name for an OS as skills write it: OpenClaw's `darwin` and `win32` (Node's
    /// `process.platform`) are `macos` and `windows`.
    public static func osName(_ raw: String) -> String {
        let name = raw.trimmed.lowercased()
        switch name {
        case "darwin", "mac", "macos", "macosx", "osx": return "macos"
        case "win32", "win", "windows": return "windows"
        default: return name
        }
    }

    /// Whether `name` is an executable regular file in one of `path`'s directories (or, with a
    /// slash, at that path). PATH unset means the usual `/usr/bin:/bin`; an empty entry is skipped.
    /// Only PATH counts: a command the user's shell cannot run does not make a skill usable.
    static func isExecutable(named name: String, path: String?) -> Bool {
        guard !name.isEmpty else { return false }
        if name.contains("/") { return isExecutableFile(name) }
        let directories = (path ?? "/usr/bin:/bin").split(separator: ":")
        return directories.contains { !$0.isEmpty && isExecutableFile("\($0)/\(name)") }
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
