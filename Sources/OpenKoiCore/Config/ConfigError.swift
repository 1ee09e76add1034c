/// Why the configuration could not be loaded, worded so the user can fix it: every message names
/// the file and line, the environment variable, or the path involved.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case fileNotFound(path: String, origin: String)
        case unreadable(path: String, reason: String)
        case syntax(TOMLError)
        case invalidValue(file: String, line: Int, location: String, message: String)
        case missingKey(file: String, line: Int, table: String, key: String)
        case environment(variable: String, message: String)
        case directory(path: String, reason: String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// A config file that was asked for explicitly (`--config`, `OPENKOI_CONFIG`) does not exist.
    static func fileNotFound(_ path: String, origin: String) -> Self { Self(.fileNotFound(path: path, origin: origin)) }
    static func unreadable(_ path: String, reason: String) -> Self { Self(.unreadable(path: path, reason: reason)) }
    static func syntax(_ error: TOMLError) -> Self { Self(.syntax(error)) }
    /// `location` is `[table] key` or just `key` at the top level.
    static func invalidValue(file: String, line: Int, location: String, message: String) -> Self {
        Self(.invalidValue(file: file, line: line, location: location, message: message))
    }
    static func missingKey(file: String, line: Int, table: String, key: String) -> Self {
        Self(.missingKey(file: file, line: line, table: table, key: key))
    }
    static func environment(_ variable: String, _ message: String) -> Self {
        Self(.environment(variable: variable, message: message))
    }
    static func directory(_ path: String, reason: String) -> Self { Self(.directory(path: path, reason: reason)) }

    /// The config file involved, when there is one.
    public var file: String? {
        switch kind {
        case .fileNotFound(let path, _), .unreadable(let path, _): return path
        case .syntax(let error): return error.file
        case .invalidValue(let file, _, _, _), .missingKey(let file, _, _, _): return file
        case .environment, .directory: return nil
        }
    }

    /// The 1-based line in `file`, when the problem is inside it.
    public var line: Int? {
        switch kind {
        case .syntax(let error): return error.line
        case .invalidValue(_, let line, _, _), .missingKey(_, let line, _, _): return line
        case .fileNotFound, .unreadable, .environment, .directory: return nil
        }
    }

    public var description: String {
        switch kind {
        case .fileNotFound(let path, let origin): return "config file not found: \(path) (from \(origin))"
        case .unreadable(let path, let reason): return "cannot read config file \(path): \(reason)"
        case .syntax(let error): return error.description
        case .invalidValue(let file, let line, let location, let message):
            return "\(file):\(line): \(location): \(message)"
        case .missingKey(let file, let line, let table, let key):
            return "\(file):\(line): \(table): missing required key '\(key)'"
        case .environment(let variable, let message): return "\(variable): \(message)"
        case .directory(let path, let reason): return "cannot create directory \(path): \(reason)"
        }
    }
}

/// Something in the config that was ignored but probably meant something (a misspelt key, a table
/// from a newer version). Not an error, so an old binary still runs with a newer config.
public struct ConfigWarning: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// Dotted path of the ignored key, e.g. `iteration.max_iteratons`.
    public var keyPath: String
    public var message: String

    public init(file: String, line: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String { "\(file):\(line): warning: \(message)" }
}
