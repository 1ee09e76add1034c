import FoundationEssentials
import OpenKoiCore

/// Incremental newline-delimited JSON splitter, fed chunks as they arrive.
///
/// Returns each record's text; decoding is the adapter's job. Blank lines are skipped.
public struct NDJSONParser: Sendable {
    private var lines = LineSplitter()

    public init() {}

    /// Why the stream must be failed: a line over the limit (its data is not kept).
    public var limitExceeded: String? {
        lines.overflowed ? "a line of the stream exceeds \(LineSplitter.maxLineBytes >> 20) MiB" : nil
    }

    /// Feeds the next chunk and returns the lines it completes, in order.
    public mutating func feed(_ chunk: Data) -> [String] {
        lines.feed(chunk).filter { !Self.isBlank($0) }
    }

    /// Ends the stream. Returns the last line when it had no newline: either a final record from a
    /// server that omits the last newline, or a truncated one — only decoding it can tell.
    public mutating func finish() -> String? {
        guard let last = lines.finish(), !Self.isBlank(last) else { return nil }
        return last
    }

    private static func isBlank(_ line: String) -> Bool {
        line.utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }
}
