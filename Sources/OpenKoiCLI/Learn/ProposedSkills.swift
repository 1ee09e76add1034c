import FoundationEssentials
import OpenKoiCore
import OpenKoiSkills

#if canImport(Glibc)
    import Glibc
#endif

/// The skill folders under `<data>/skills/proposed/` and their way into `skills/user/`. Each change
/// is a rename of a whole folder, so a crash never leaves half a skill where the library looks.
struct ProposedSkills {
    /// `<data>/skills`.
    let skillsDir: String

    var proposedDir: String { skillsDir + "/proposed" }
    var userDir: String { skillsDir + "/user" }
    func folder(_ name: String) -> String { proposedDir + "/" + name }
    func userFolder(_ name: String) -> String { userDir + "/" + name }

    /// A proposal on disk, with what its SKILL.md says (or why it cannot be read).
    struct Proposal: Sendable, Hashable {
        var name: String
        var path: String
        var description: String
        var problem: String?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The longest folder name a proposal gets.
    static let maxSlug = 48

    /// A folder name from a pattern's description: lowercase ASCII letters and digits, everything else
    /// one `-`, at most 48 characters; the `<n>`/`<path>`/`<url>` placeholders are left out.
    static func slug(_ text: String) -> String {
        var words = text.split(separator: " ").filter { !($0.hasPrefix("<") && $0.hasSuffix(">")) }.joined(
            separator: " ")
        if words.isEmpty { words = text }
        var slug = ""
        for scalar in words.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        slug = String(slug.prefix(maxSlug))
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "skill" : slug
    }

    /// A name that stays inside `proposed/` and `user/` (no separator, not hidden, not `.` or `..`).
    static func isFolderName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && !name.hasPrefix(".")
    }

    /// The slug, or the slug with `-2`, `-3`… when a proposal or user skill already has it.
    func freeName(for description: String) -> String {
        let base = Self.slug(description)
        var name = base
        var number = 2
        while exists(folder(name)) || exists(userFolder(name)) {
            let suffix = "-\(number)"
            name = String(base.prefix(Self.maxSlug - suffix.count)) + suffix
            number += 1
        }
        return name
    }

    /// Every proposal folder (hidden ones are work in progress), by name.
    func list() -> [Proposal] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: proposedDir)) ?? []
        return names.filter { !$0.hasPrefix(".") && isDirectory(folder($0)) }.sorted().map(proposal)
    }

    func proposal(_ name: String) -> Proposal {
        let path = folder(name) + "/SKILL.md"
        guard let text = read(path) else {
            return Proposal(name: name, path: path, description: "", problem: "\(path): no SKILL.md")
        }
        do {
            let skill = try SkillParser.parse(text, source: path, defaultName: name)
            return Proposal(name: name, path: path, description: skill.description, problem: nil)
        } catch {
            return Proposal(name: name, path: path, description: "", problem: error.description)
        }
    }

    /// Saves a new proposal: written into a hidden folder, then renamed into place.
    func install(_ text: String, as name: String) throws(Failure) {
        let staging = proposedDir + "/.\(name).new-" + UUID().uuidString.lowercased()
        do {
            try AtomicFile.makeDirectories(staging)
            try AtomicFile.write(text, to: staging + "/SKILL.md")
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw Failure(description: "cannot save the proposal: \(error)")
        }
        guard rename(staging, folder(name)) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: staging)
            throw Failure(description: "cannot save the proposal as \(folder(name)): \(reason)")
        }
    }

    /// Copies the proposal into `skills/user/<name>` (a hidden copy, renamed into place), then
    /// removes the proposal. Returns the installed folder.
    func approve(_ name: String) throws(Failure) -> String {
        let target = userFolder(name)
        let staging = userDir + "/.\(name).approve-" + UUID().uuidString.lowercased()
        do {
            try AtomicFile.makeDirectories(userDir)
            try FileManager.default.copyItem(atPath: folder(name), toPath: staging)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw Failure(description: "cannot copy \(folder(name)) into \(userDir): \(error)")
        }
        guard rename(staging, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: staging)
            throw Failure(description: "cannot install \(target): \(reason)")
        }
        try remove(name)
        return target
    }

    /// Deletes a proposal: renamed out of sight first, so a failed delete leaves nothing half-listed.
    func remove(_ name: String) throws(Failure) {
        let doomed = proposedDir + "/.\(name).removed-" + UUID().uuidString.lowercased()
        guard rename(folder(name), doomed) == 0 else {
            throw Failure(description: "cannot remove \(folder(name)): \(String(cString: strerror(errno)))")
        }
        try? FileManager.default.removeItem(atPath: doomed)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
