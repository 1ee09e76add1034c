/// A failure of the memory database, naming the file and what to do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The file is not a SQLite database, or a SQLite database that is not OpenKoi's.
        case foreign
        /// Written by a newer OpenKoi: its schema is not ours to change.
        case newerSchema
        /// SQLite refused (I/O, corruption, constraint, busy past the timeout).
        case sqlite
        /// A database server (the daemons' shared PostgreSQL queue) refused or could not be reached.
        case server
    }

    public var kind: Kind
    public var path: String
    public var message: String
    /// The SQLite result code, when SQLite produced the error.
    public var code: Int32?

    public init(_ kind: Kind, path: String, message: String, code: Int32? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.code = code
    }

    public var description: String { "\(path): \(message)" }
}
