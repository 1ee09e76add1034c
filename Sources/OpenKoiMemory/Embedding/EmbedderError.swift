/// Why the offline embedder could not load its model or run, worded so the user can act: every
/// message names the file involved, and a missing or damaged model says how to install it.
public struct EmbedderError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case notInstalled(directory: String, missing: String)
        case unreadable(path: String, reason: String)
        case corrupt(path: String, reason: String)
        case unsupported(path: String, reason: String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    static let installHint = "run scripts/embedder/install.sh"

    /// The model directory lacks `missing` (or does not exist at all).
    static func notInstalled(_ directory: String, missing: String) -> Self {
        Self(.notInstalled(directory: directory, missing: missing))
    }
    static func unreadable(_ path: String, reason: String) -> Self { Self(.unreadable(path: path, reason: reason)) }
    /// The file is there but its bytes are not what its format promises (truncated, bad header).
    static func corrupt(_ path: String, _ reason: String) -> Self { Self(.corrupt(path: path, reason: reason)) }
    /// A well-formed file describing something this encoder does not implement.
    static func unsupported(_ path: String, _ reason: String) -> Self {
        Self(.unsupported(path: path, reason: reason))
    }

    /// The file (or, when nothing is installed, the directory) the problem is about.
    public var path: String {
        switch kind {
        case .notInstalled(let directory, let missing): return directory + "/" + missing
        case .unreadable(let path, _), .corrupt(let path, _), .unsupported(let path, _): return path
        }
    }

    /// True when installing the model again is the fix.
    public var needsInstall: Bool {
        switch kind {
        case .notInstalled, .corrupt: return true
        case .unreadable, .unsupported: return false
        }
    }

    public var description: String {
        switch kind {
        case .notInstalled(let directory, let missing):
            return "the offline embedding model is not installed: \(directory)/\(missing) is missing; "
                + "\(Self.installHint) (or set OPENKOI_EMBEDDER_DIR to a directory holding model.safetensors "
                + "and tokenizer.json)"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .corrupt(let path, let reason):
            return "\(path) is damaged: \(reason); \(Self.installHint) to reinstall it"
        case .unsupported(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
