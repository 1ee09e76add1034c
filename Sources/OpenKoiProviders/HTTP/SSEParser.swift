import FoundationEssentials
import OpenKoiCore

/// One server-sent event.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field; `nil` when absent (the default type, "message").
    public var event: String?
    /// The `data:` lines joined with "\n".
    public var data: String
    /// The last `id:` the stream set, if any (it carries over to later events, as in the spec).
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// Incremental `text/event-stream` parser (WHATWG HTML §9.2.6), fed chunks as they arrive.
///
/// Chunks may split lines, CRLF pairs and UTF-8 characters anywhere. An event is complete at the blank
/// line after it; `finish()` tells whether the stream stopped inside one.
public struct SSEParser: Sendable {
    private var lines = LineSplitter()
    private var eventType = ""
    private var data = ""
    private var hasData = false
    /// Any field of the current event has been read, so a stream ending now ends mid-event.
    private var inEvent = false
    private var atStreamStart = true
    public private(set) var lastEventID: String?
    /// The reconnection delay the server asked for with `retry:`.
    public private(set) var retryMilliseconds: Int?

    /// The most data one event may carry (documented in the README's limits).
    public static let maxEventBytes = 16 << 20
    public private(set) var eventTooLarge = false

    public init() {}

    /// Why the stream must be failed: a line or an event over its limit (their data is not kept).
    public var limitExceeded: String? {
        if lines.overflowed { return "a line of the event stream exceeds \(LineSplitter.maxLineBytes >> 20) MiB" }
        if eventTooLarge { return "an event of the stream exceeds \(Self.maxEventBytes >> 20) MiB of data" }
        return nil
    }

    /// Feeds the next chunk and returns the events it completes, in order.
    public mutating func feed(_ chunk: Data) -> [SSEEvent] {
        lines.feed(chunk).compactMap { process($0) }
    }

    /// Ends the stream. Returns the event that was still being received — its fields so far — when the
    /// stream stopped before the blank line that completes it (a truncated stream), else `nil`.
    public mutating func finish() -> SSEEvent? {
        if let last = lines.finish() { _ = process(last) }
        defer { reset() }
        guard inEvent else { return nil }
        return SSEEvent(event: eventType.isEmpty ? nil : eventType, data: data, id: lastEventID)
    }

    private mutating func process(_ rawLine: String) -> SSEEvent? {
        var line = Substring(rawLine)
        if atStreamStart {
            atStreamStart = false
            if line.first == "\u{FEFF}" { line.removeFirst() }
        }
        if line.isEmpty { return dispatch() }
        if line.first == ":" { return nil }  // a comment, often a keep-alive

        let name: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            name = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.first == " " { value.removeFirst() }
        } else {
            name = line
            value = ""
        }
        inEvent = true
        switch name {
        case "data":
            guard data.utf8.count + value.utf8.count < Self.maxEventBytes else {
                eventTooLarge = true
                data = ""
                return nil
            }
            if hasData { data += "\n" }
            data += value
            hasData = true
        case "event":
            eventType = String(value)
        case "id":
            if !value.contains("\0") { lastEventID = String(value) }
        case "retry":
            if !value.isEmpty, value.allSatisfy(\.isASCIIDigit) { retryMilliseconds = Int(value) }
        default:
            break  // unknown fields are ignored, per the spec
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer { reset() }
        // The spec drops an event without data lines (it only set a type or an id).
        guard hasData else { return nil }
        return SSEEvent(event: eventType.isEmpty ? nil : eventType, data: data, id: lastEventID)
    }

    private mutating func reset() {
        eventType = ""
        data = ""
        hasData = false
        inEvent = false
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
