/// A TOML syntax or semantic error (bad token, duplicate key, table redefinition), with its position.
public struct TOMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the text came from; set by whoever read the file, `nil` for bare text.
    public var file: String?
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars so it matches what an editor shows.
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String, file: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `<file>:<line>:<col>: <message>`, the form editors and terminals turn into links.
    public var description: String { "\(file ?? "<input>"):\(line):\(column): \(message)" }
}
