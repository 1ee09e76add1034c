import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under /tmp for one test, removed when the value goes away. (The older test
/// targets still carry their own copies; new tests use this one.)
public final class ScratchDirectory: Sendable {
    public let path: String

    /// - Parameter prefix: names the directory after its tests, for whoever finds one left over.
    public init(prefix: String = "openkoi-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ScratchDirectoryError(errno: errno) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

public struct ScratchDirectoryError: Error, CustomStringConvertible {
    public let errno: Int32
    public var description: String { "mkdtemp failed: errno \(errno)" }
}
