import CSQLite

/// A value bound to a statement parameter.
package enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    package static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    package static func optional(_ value: Double?) -> SQLValue { value.map(SQLValue.real) ?? .null }
    package static func optional(_ value: Int?) -> SQLValue { value.map { .int(Int64($0)) } ?? .null }
}

/// SQLite copies bound text and blobs (`SQLITE_TRANSIENT`, a macro Swift cannot import).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement; finalised when released.
package final class Statement {
    private let handle: OpaquePointer
    private let connection: SQLiteConnection

    package init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    package func bind(_ values: [SQLValue]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(handle, index)
            case .int(let v): result = sqlite3_bind_int64(handle, index, v)
            case .real(let v): result = sqlite3_bind_double(handle, index, v)
            case .text(let v): result = sqlite3_bind_text(handle, index, v, -1, transient)
            case .blob(let v):
                result = v.withUnsafeBytes {
                    sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient)
                }
            }
            guard result == SQLITE_OK else { throw connection.error(result) }
        }
    }

    /// Advances to the next row; false when done.
    @discardableResult
    package func step() throws(StoreError) -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(result)
        }
    }

    /// Binds `values`, runs to completion.
    package func run(_ values: [SQLValue] = []) throws(StoreError) {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Binds `values` and maps every row.
    package func rows<T>(_ values: [SQLValue] = [], _ read: (Statement) throws(StoreError) -> T) throws(StoreError)
        -> [T]
    {
        try bind(values)
        // Reset when done, so a cached statement holds no read transaction open between uses.
        defer { sqlite3_reset(handle) }
        var out: [T] = []
        while try step() { out.append(try read(self)) }
        return out
    }

    package var columnCount: Int32 { sqlite3_column_count(handle) }
    package func columnName(_ column: Int32) -> String {
        sqlite3_column_name(handle, column).map { String(cString: $0) } ?? ""
    }

    /// The column as it is stored: integer, real, text, blob (as its byte count) or null.
    package func value(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .int(int(column))
        case SQLITE_FLOAT: return .real(double(column))
        case SQLITE_TEXT: return .text(text(column))
        case SQLITE_BLOB: return .blob(blob(column))
        default: return .null
        }
    }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    package func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    package func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    package func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    package func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }

    package func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    package func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    /// The column's bytes in place, valid only inside `body` (no copy: the vector load reads
    /// thousands of them).
    package func withBlob<R>(_ column: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else {
            return body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    package func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
