import FoundationEssentials
import OpenKoiCore

/// One message of the AWS event-stream encoding (`application/vnd.amazon.eventstream`).
struct AWSEventStreamMessage: Sendable, Hashable {
    var headers: [String: AWSEventStreamHeaderValue]
    var payload: Data

    /// A string header such as `:event-type`; `nil` when absent or of another type.
    func string(_ name: String) -> String? {
        if case .string(let value) = headers[name] { return value }
        return nil
    }
}

/// A header value, by the type byte that precedes it on the wire.
enum AWSEventStreamHeaderValue: Sendable, Hashable {
    case bool(Bool)
    case byte(Int8)
    case short(Int16)
    case int(Int32)
    case long(Int64)
    case bytes(Data)
    case string(String)
    /// Milliseconds since the epoch.
    case timestamp(Int64)
    case uuid([UInt8])
}

/// Cuts a byte stream into event-stream messages, whatever the chunk boundaries.
///
/// Each frame is `total length (u32 BE) · headers length (u32 BE) · prelude CRC32 · headers · payload ·
/// message CRC32`; both checksums are verified, so a corrupted frame is reported instead of decoded.
struct AWSEventStreamParser {
    /// A frame larger than this is refused before it is buffered (Bedrock's events are a few KiB).
    static let maxMessageBytes = 16 << 20
    static let preludeBytes = 12
    /// Prelude plus the trailing message CRC: the smallest possible frame.
    static let minimumMessageBytes = 16

    private var buffer: [UInt8] = []
    private var start = 0

    /// Bytes received but not yet part of a whole message (non-zero at the end means a cut-off stream).
    var pendingByteCount: Int { buffer.count - start }

    /// Appends `chunk` and returns the messages it completed.
    mutating func feed<Bytes: Sequence<UInt8>>(_ chunk: Bytes) throws -> [AWSEventStreamMessage] {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: chunk)
        var messages: [AWSEventStreamMessage] = []
        while let message = try nextMessage() { messages.append(message) }
        return messages
    }

    private mutating func nextMessage() throws -> AWSEventStreamMessage? {
        guard pendingByteCount >= Self.preludeBytes else { return nil }
        let totalLength = Int(readUInt32(at: start))
        let headersLength = Int(readUInt32(at: start + 4))
        let preludeCRC = readUInt32(at: start + 8)
        let computedPrelude = CRC32.checksum(buffer[start..<start + 8])
        guard computedPrelude == preludeCRC else {
            throw Self.malformed(
                "prelude CRC32 mismatch (frame says \(Self.hex32(preludeCRC)), bytes give \(Self.hex32(computedPrelude)))"
            )
        }
        guard totalLength >= Self.minimumMessageBytes, totalLength <= Self.maxMessageBytes,
            headersLength <= totalLength - Self.minimumMessageBytes
        else {
            throw Self.malformed(
                "a frame declares \(totalLength) bytes with \(headersLength) bytes of headers (limit "
                    + "\(StreamLimits.describe(Self.maxMessageBytes)))")
        }
        guard pendingByteCount >= totalLength else { return nil }
        let end = start + totalLength
        let messageCRC = readUInt32(at: end - 4)
        let computedMessage = CRC32.checksum(buffer[start..<end - 4])
        guard computedMessage == messageCRC else {
            throw Self.malformed(
                "message CRC32 mismatch (frame says \(Self.hex32(messageCRC)), bytes give \(Self.hex32(computedMessage)))"
            )
        }
        let headersStart = start + Self.preludeBytes
        let payloadStart = headersStart + headersLength
        let headers = try Self.parseHeaders(buffer[headersStart..<payloadStart])
        let payload = Data(buffer[payloadStart..<end - 4])
        start = end
        return AWSEventStreamMessage(headers: headers, payload: payload)
    }

    private func readUInt32(at offset: Int) -> UInt32 {
        buffer[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Header blocks are `name length (u8) · name · type (u8) · value`, repeated.
    static func parseHeaders(_ bytes: ArraySlice<UInt8>) throws -> [String: AWSEventStreamHeaderValue] {
        var reader = ByteReader(bytes: bytes)
        var headers: [String: AWSEventStreamHeaderValue] = [:]
        while !reader.isAtEnd {
            guard let nameLength = reader.uint(1), let name = reader.take(Int(nameLength)), let type = reader.uint(1)
            else { throw malformed("a frame header is cut short") }
            let key = String(decoding: name, as: UTF8.self)
            guard let value = value(ofType: Int(type), from: &reader) else {
                throw malformed("frame header \"\(key)\" has type \(type) or a value that is cut short")
            }
            headers[key] = value
        }
        return headers
    }

    private static func value(ofType type: Int, from reader: inout ByteReader) -> AWSEventStreamHeaderValue? {
        switch type {
        case 0: return .bool(true)
        case 1: return .bool(false)
        case 2: return reader.uint(1).map { .byte(Int8(truncatingIfNeeded: $0)) }
        case 3: return reader.uint(2).map { .short(Int16(truncatingIfNeeded: $0)) }
        case 4: return reader.uint(4).map { .int(Int32(truncatingIfNeeded: $0)) }
        case 5: return reader.uint(8).map { .long(Int64(bitPattern: $0)) }
        case 6, 7:
            guard let length = reader.uint(2), let bytes = reader.take(Int(length)) else { return nil }
            return type == 6 ? .bytes(Data(bytes)) : .string(String(decoding: bytes, as: UTF8.self))
        case 8: return reader.uint(8).map { .timestamp(Int64(bitPattern: $0)) }
        case 9: return reader.take(16).map { .uuid(Array($0)) }
        default: return nil
        }
    }

    static func malformed(_ problem: String) -> ProviderError {
        ProviderError(.malformedResponse, provider: "", message: "the event stream is corrupt: \(problem)")
    }

    private static func hex32(_ value: UInt32) -> String { "0x" + NumberText.hex(value, digits: 8) }
}

/// Big-endian reads from a byte slice that fail (rather than trap) past its end.
private struct ByteReader {
    let bytes: ArraySlice<UInt8>
    var offset: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        offset = bytes.startIndex
    }

    var isAtEnd: Bool { offset >= bytes.endIndex }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, bytes.endIndex - offset >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func uint(_ width: Int) -> UInt64? {
        take(width)?.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
