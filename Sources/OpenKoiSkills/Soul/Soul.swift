import FoundationEssentials
import OpenKoiCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The agent's identity, the `# Identity` section of every executor prompt (reference §12.2).
public struct Soul: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// `<workspace>/.openkoi/SOUL.md`
        case workspace(String)
        /// `<config dir>/SOUL.md`
        case user(String)
        /// `Skills/soul/SOUL.md`, compiled in.
        case bundled
    }

    public var text: String
    public var source: Source
    /// Soul files that exist but were passed over, and why ("… is empty").
    public var warnings: [String]

    public init(text: String, source: Source, warnings: [String] = []) {
        self.text = text
        self.source = source
        self.warnings = warnings
    }

    /// Longer souls are cut here, as the reference did, so a runaway file cannot eat the context.
    public static let maximumCharacters = 20_000
    /// Anything near this is not a persona; it is not read.
    static let maximumFileBytes = 1 << 20

    /// The first usable of the workspace soul, the user's, and the bundled one. A missing file is
    /// skipped quietly; one that is unreadable, not UTF-8, too large or blank is skipped with a warning.
    public static func load(workspace: String, paths: OpenKoiPaths) -> Soul {
        var warnings: [String] = []
        let candidates: [(String, Source)] = [
            (workspace + "/.openkoi/SOUL.md", .workspace(workspace + "/.openkoi/SOUL.md")),
            (paths.soulFile, .user(paths.soulFile)),
        ]
        for (path, source) in candidates {
            switch read(path) {
            case .missing: continue
            case .skipped(let reason): warnings.append("\(path): \(reason); using the next soul")
            case .text(let text):
                return Soul(text: String(text.prefix(maximumCharacters)), source: source, warnings: warnings)
            }
        }
        return Soul(
            text: String(BundledSkills.soul.trimmed.prefix(maximumCharacters)), source: .bundled, warnings: warnings)
    }

    enum FileText: Equatable {
        case missing
        case skipped(String)
        case text(String)
    }

    static func read(_ path: String) -> FileText {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR ? .missing : .skipped(String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return .skipped("not a regular file") }
        guard Int(info.st_size) <= maximumFileBytes else { return .skipped("larger than 1 MiB") }
        guard let data = FileManager.default.contents(atPath: path) else { return .skipped("cannot be read") }
        guard let text = String(validating: data, as: UTF8.self) else { return .skipped("not UTF-8 text") }
        let trimmed = text.trimmed
        return trimmed.isEmpty ? .skipped("empty") : .text(trimmed)
    }
}
