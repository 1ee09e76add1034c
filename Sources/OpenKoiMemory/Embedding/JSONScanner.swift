import FoundationEssentials
import OpenKoiCore

/// A forward-only reader over JSON bytes for the one large document on the recall path:
/// tokenizer.json's 30,522-entry vocabulary. Decoding it through `JSONDecoder` into `JSONValue`
/// costs tens of milliseconds; reading `"token": id` pairs straight into a dictionary costs a few.
/// Small sections are skipped over and handed to `JSONValue.parse` by byte range.
///
/// Use only inside the `withUnsafeBufferPointer` that produced `bytes`.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    private(set) var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// A "damaged file" error that names the line and column of the current position.
    func error(_ message: String) -> EmbedderError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(position, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return .corrupt(path, "line \(line), column \(column): \(message)")
    }

    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next non-space byte, not consumed.
    mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    /// Calls `body` with each member name of the object that starts here, positioned at its value;
    /// `body` must consume the value.
    mutating func members(_ body: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// Reads an object of integer values (a vocabulary), calling `body` with each name's UTF-8
    /// bytes and its value, without building a `String` per name.
    mutating func integerMembers(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            let name = try rawString()
            try expect(UInt8(ascii: ":"))
            let value = try integer()
            withBytes(of: name) { body($0, value) }
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    mutating func string() throws -> String {
        let token = try rawString()
        return withBytes(of: token) { String(decoding: $0, as: UTF8.self) }
    }

    /// A string's bytes: where they lie in the document when it has no escapes (the common
    /// case, no copy), else decoded.
    private enum RawString {
        case inDocument(Range<Int>)
        case decoded([UInt8])
    }

    private func withBytes<R>(of string: RawString, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch string {
        case .inDocument(let range): return body(UnsafeBufferPointer(rebasing: bytes[range]))
        case .decoded(let utf8): return utf8.withUnsafeBufferPointer(body)
        }
    }

    private mutating func rawString() throws -> RawString {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return .inDocument(start..<position - 1)
            }
            if byte == UInt8(ascii: "\\") {
                position = start
                return .decoded(try escapedString())
            }
            position += 1
        }
        throw error("unterminated string")
    }

    /// The slow path of `string()`, for the rare token with an escape; position is just past the quote.
    private mutating func escapedString() throws -> [UInt8] {
        var utf8: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return utf8
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var value = try hex4()
                    if (0xD800..<0xDC00).contains(value), bytes[position...].starts(with: [0x5C, 0x75]) {
                        position += 2
                        let low = try hex4()
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    }
                    utf8.append(contentsOf: String(Unicode.Scalar(value) ?? "\u{FFFD}").utf8)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                default: throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
            default:
                utf8.append(byte)
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[position])).hexDigitValue else {
                throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// A non-negative integer below 2^31 (token ids, lengths).
    mutating func integer() throws -> Int {
        skipSpace()
        var value = 0
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
            guard value < Int(Int32.max) else { throw error("number too large") }
        }
        guard position > start else { throw error("expected a non-negative integer") }
        return value
    }

    /// Skips one value of any type and returns its bytes' range.
    @discardableResult
    mutating func skipValue() throws -> Range<Int> {
        guard let first = peek() else { throw error("unexpected end of file") }
        let start = position
        switch first {
        case UInt8(ascii: "\""):
            _ = try rawString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var inString = false
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if inString {
                    if byte == UInt8(ascii: "\\") {
                        position += 1
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return start..<position }
                }
            }
            throw error("unterminated \(first == UInt8(ascii: "{") ? "object" : "array")")
        default:  // number, true, false, null
            while position < bytes.count, !",}] \t\r\n".utf8.contains(bytes[position]) { position += 1 }
        }
        return start..<position
    }

    /// The value that starts here, decoded generically (for the small sections).
    mutating func value() throws -> JSONValue {
        let range = try skipValue()
        guard let value = JSONValue.parse(Data(UnsafeBufferPointer(rebasing: bytes[range]))) else {
            position = range.lowerBound
            throw error("invalid JSON value")
        }
        return value
    }
}
