import CPostgresShim
import OpenKoiCore
import OpenKoiMemory

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection (libpq is loaded on first use). Not thread-safe: its owner serialises calls.
/// Errors name the server with its password masked; a dropped connection is opened again on the
/// next call.
package final class PostgresConnection {
    let url: String
    /// The URL as errors show it: no password.
    let shownURL: String
    private var handle: UnsafeMutableRawPointer?
    private(set) var changes = 0

    package init(url: String) throws(StoreError) {
        self.url = url
        shownURL = Self.masked(url)
        var error = [CChar](repeating: 0, count: 512)
        guard okpq_load(&error, error.count) == 0 else {
            throw StoreError(.server, path: shownURL, message: String(nulTerminated: error))
        }
        try connect()
    }

    deinit { if let handle { okpq_finish(handle) } }

    @discardableResult
    private func connect() throws(StoreError) -> UnsafeMutableRawPointer {
        if let handle { okpq_finish(handle) }
        handle = okpq_connect(url)
        guard let handle, okpq_status(handle) == OKPQ_CONNECTION_OK else {
            let reason = handle.map { String(cString: okpq_error_message($0)) } ?? "out of memory"
            throw StoreError(
                .server, path: shownURL, message: "cannot connect: \(reason.trimmed) (is the server running?)")
        }
        // libpq prints the server's NOTICEs ("relation … already exists, skipping") on stderr.
        if let result = okpq_exec_script(handle, "SET client_min_messages TO warning") { okpq_clear(result) }
        return handle
    }

    /// The connection, opened again if the server dropped it.
    func live() throws(StoreError) -> UnsafeMutableRawPointer {
        if let handle, okpq_status(handle) == OKPQ_CONNECTION_OK { return handle }
        return try connect()
    }

    /// Runs `sql` (`$1`… placeholders) and reads every row of its result.
    func query<T>(
        _ sql: String, _ values: [SQLValue], script: Bool = false, _ read: (PostgresRow) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        let connection = try live()
        let texts = values.map(Self.text)
        let result =
            script
            ? okpq_exec_script(connection, sql)
            : Self.withCStrings(texts) { pointers in okpq_exec(connection, sql, Int32(pointers.count), pointers) }
        guard let result else {
            throw StoreError(.server, path: shownURL, message: String(cString: okpq_error_message(connection)))
        }
        defer { okpq_clear(result) }
        let status = okpq_result_status(result)
        guard status == OKPQ_COMMAND_OK || status == OKPQ_TUPLES_OK else {
            let state = okpq_sqlstate(result).map { String(cString: $0) }
            let message = String(cString: okpq_result_error(result)).trimmed
            throw StoreError(
                .server, path: shownURL,
                message: "\(message)\(state.map { " (SQLSTATE \($0))" } ?? "") (in: \(sql.prefix(80)))")
        }
        changes = Int(String(cString: okpq_cmd_tuples(result))) ?? 0
        var rows: [T] = []
        let count = okpq_ntuples(result)
        rows.reserveCapacity(Int(count))
        for index in 0..<count { rows.append(try read(PostgresRow(result: result, row: index))) }
        return rows
    }

    /// Runs statements without parameters or results (several, separated by `;`).
    package func execute(_ sql: String) throws(StoreError) { _ = try query(sql, [], script: true) { _ in () } }

    /// The socket LISTEN waits on, reading what arrived, and the notifications' payloads.
    func notifications() throws(StoreError) -> [String] {
        let connection = try live()
        guard okpq_consume_input(connection) == 1 else {
            throw StoreError(.server, path: shownURL, message: String(cString: okpq_error_message(connection)))
        }
        var payloads: [String] = []
        var buffer = [CChar](repeating: 0, count: 8192)
        while okpq_next_notification(connection, &buffer, buffer.count) == 1 {
            payloads.append(String(nulTerminated: buffer))
        }
        return payloads
    }

    var socket: Int32 { handle.map { okpq_socket($0) } ?? -1 }

    static func text(_ value: SQLValue) -> String? {
        switch value {
        case .null: return nil
        case .int(let number): return String(number)
        case .real(let number): return "\(number)"
        case .text(let text): return text
        case .blob(let bytes): return "\\x" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        }
    }

    private static func withCStrings<R>(
        _ texts: [String?], _ body: ([UnsafePointer<CChar>?]) -> R
    ) -> R {
        let owned: [UnsafeMutablePointer<CChar>?] = texts.map { $0.flatMap { strdup($0) } }
        defer { for pointer in owned { free(pointer) } }
        return body(owned.map { $0.map { UnsafePointer($0) } })
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
    static func masked(_ url: String) -> String {
        let parts = url.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count >= 2, let scheme = parts[0].firstRange(of: "://") else { return url }
        let credentials = parts[0][scheme.upperBound...]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(parts[0][..<colon]) + ":***@" + parts.dropFirst().joined(separator: "@")
    }

}

/// One row of a libpq result (text format).
struct PostgresRow: QueueRow {
    let result: UnsafeMutableRawPointer
    let row: Int32

    func isNull(_ column: Int32) -> Bool { okpq_is_null(result, row, column) == 1 }
    func text(_ column: Int32) -> String { String(cString: okpq_value(result, row, column)) }
    func int(_ column: Int32) -> Int64 {
        let value = text(column)
        return Int64(value) ?? Double(value).map { Int64($0) } ?? 0
    }
    func double(_ column: Int32) -> Double { Double(text(column)) ?? 0 }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
