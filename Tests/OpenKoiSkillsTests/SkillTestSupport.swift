import FoundationEssentials
import OpenKoiCore

@testable import OpenKoiSkills

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway directory tree for one test, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/openkoi-skills-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestError("mkdtemp failed: errno \(errno)") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at `relative`, creating its directories; returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ text: String, mode: Int = 0o644) throws -> String {
        let full = path + "/" + relative
        let parent = String(full[..<(full.lastIndex(of: "/") ?? full.endIndex)])
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(text.utf8)) else {
            throw TestError("cannot write \(full)")
        }
        chmod(full, mode_t(mode))
        return full
    }

    /// `<root>/openkoi` as config dir and `<root>/openkoi/data` as data dir.
    var paths: OpenKoiPaths { OpenKoiPaths(configDir: path + "/openkoi", dataDir: path + "/openkoi/data") }
    var workspace: String { path + "/work" }
}

struct TestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// SKILL.md text for tests.
enum SkillText {
    static func task(
        _ name: String, categories: [String] = [], description: String = "", extra: String = "", body: String = "Body."
    ) -> String {
        """
        ---
        name: \(name)
        description: \(description.isEmpty ? "The \(name) skill." : description)
        metadata:
          categories: [\(categories.joined(separator: ", "))]
        \(extra)
        ---
        \(body)
        """
    }

    static func evaluator(_ name: String, categories: [String], body: String = "Rubric.") -> String {
        """
        ---
        name: \(name)
        kind: evaluator
        metadata:
          categories: [\(categories.joined(separator: ", "))]
          dimensions:
            - name: correctness
              weight: 1.0
        ---
        \(body)
        """
    }
}

extension SkillLibrary {
    /// A library over in-memory skills: `(source, skill)` in load order.
    static func of(
        _ skills: [(SkillSource, Skill)], environment: [String: String] = ["PATH": "/usr/bin:/bin"],
        os: String = "linux"
    ) -> SkillLibrary {
        SkillLibrary(
            entries: skills.map {
                SkillEntry(skill: $0.1, source: $0.0, path: "\($0.0.rawValue)/\($0.1.name)/SKILL.md")
            },
            environment: environment, os: os)
    }
}
