// Integers, floats and datetimes: all start with a sign, digit or letter, so they are scanned as one
// token first and classified after, which keeps every rule about underscores and zeros in one place.
extension TOMLParser {
    mutating func parseNumberOrDateTime() throws(TOMLError) -> TOMLValue {
        let start = pos
        while let byte = peek(), Self.isTokenByte(byte) { pos += 1 }
        // `1979-05-27 07:32:00`: a space may separate date and time.
        if pos - start == 10, peek() == TOMLByte.space, let next = peek(1), TOMLByte.isDigit(next),
            Self.dateEnd(in: Array(bytes[start..<pos]), from: 0) == 10
        {
            pos += 1
            while let byte = peek(), Self.isTokenByte(byte) { pos += 1 }
        }
        guard pos > start else { throw error("expected a value, found \(describeNext())") }
        let token = Array(bytes[start..<pos])
        let text = String(decoding: token, as: UTF8.self)
        if Self.looksLikeDateTime(token) {
            guard Self.isValidDateTime(token) else { throw error("invalid date or time '\(text)'", at: start) }
            return .datetime(text)
        }
        do {
            return try Self.number(token)
        } catch let problem {
            throw error("invalid number '\(text)': \(problem.reason)", at: start)
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        TOMLByte.isDigit(byte) || TOMLByte.isLetter(byte) || byte == TOMLByte.underscore || byte == TOMLByte.plus
            || byte == TOMLByte.minus || byte == TOMLByte.dot || byte == TOMLByte.colon
    }

    // MARK: Numbers

    struct NumberProblem: Error {
        var reason: String
    }

    private static func number(_ token: [UInt8]) throws(NumberProblem) -> TOMLValue {
        var body = token[...]
        var negative = false
        if let first = body.first, first == TOMLByte.plus || first == TOMLByte.minus {
            negative = first == TOMLByte.minus
            body = body.dropFirst()
        }
        if body.elementsEqual("inf".utf8) { return .float(negative ? -.infinity : .infinity) }
        if body.elementsEqual("nan".utf8) { return .float(.nan) }

        if body.count >= 2, body.first == UInt8(ascii: "0"),
            let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][body[body.startIndex + 1]]
        {
            guard token.count == body.count else {
                throw NumberProblem(reason: "a prefixed integer cannot have a sign")
            }
            let digits = body.dropFirst(2)
            try checkDigitGroups(digits) { TOMLByte.hexValue($0).map { $0 < radix } ?? false }
            guard
                let value = Int64(
                    String(decoding: digits.filter { $0 != TOMLByte.underscore }, as: UTF8.self), radix: radix)
            else { throw NumberProblem(reason: "out of range for a 64-bit integer") }
            return .integer(value)
        }

        // Decimal: int-part [. fraction] [e|E [sign] exponent]
        var index = body.startIndex
        func scanDigits() -> ArraySlice<UInt8> {
            let from = index
            while index < body.endIndex, TOMLByte.isDigit(body[index]) || body[index] == TOMLByte.underscore {
                index += 1
            }
            return body[from..<index]
        }
        let integerPart = scanDigits()
        try checkDigitGroups(integerPart, TOMLByte.isDigit)
        if integerPart.count > 1, integerPart.first == UInt8(ascii: "0") {
            throw NumberProblem(reason: "leading zeros are not allowed")
        }
        var isFloat = false
        if index < body.endIndex, body[index] == TOMLByte.dot {
            index += 1
            try checkDigitGroups(scanDigits(), TOMLByte.isDigit)
            isFloat = true
        }
        if index < body.endIndex, body[index] == UInt8(ascii: "e") || body[index] == UInt8(ascii: "E") {
            index += 1
            if index < body.endIndex, body[index] == TOMLByte.plus || body[index] == TOMLByte.minus { index += 1 }
            try checkDigitGroups(scanDigits(), TOMLByte.isDigit)
            isFloat = true
        }
        guard index == body.endIndex else { throw NumberProblem(reason: "unexpected characters") }

        let cleaned = String(decoding: token.filter { $0 != TOMLByte.underscore }, as: UTF8.self)
        if isFloat {
            guard let value = Double(cleaned) else { throw NumberProblem(reason: "not a valid float") }
            return .float(value)
        }
        guard let value = Int64(cleaned) else { throw NumberProblem(reason: "out of range for a 64-bit integer") }
        return .integer(value)
    }

    /// Digits with single underscores strictly between them (`1_000`, not `_1`, `1_`, `1__0`).
    private static func checkDigitGroups(
        _ digits: ArraySlice<UInt8>, _ isDigit: (UInt8) -> Bool
    ) throws(NumberProblem) {
        guard let first = digits.first, let last = digits.last else { throw NumberProblem(reason: "expected digits") }
        guard first != TOMLByte.underscore, last != TOMLByte.underscore else {
            throw NumberProblem(reason: "an underscore must be between digits")
        }
        var previousWasUnderscore = false
        for byte in digits {
            if byte == TOMLByte.underscore {
                guard !previousWasUnderscore else {
                    throw NumberProblem(reason: "an underscore must be between digits")
                }
                previousWasUnderscore = true
            } else {
                guard isDigit(byte) else {
                    throw NumberProblem(reason: "unexpected digit '\(Character(Unicode.Scalar(byte)))'")
                }
                previousWasUnderscore = false
            }
        }
    }

    // MARK: Dates and times

    /// `YYYY-…` or `HH:…`; anything else is a number.
    private static func looksLikeDateTime(_ token: [UInt8]) -> Bool {
        if token.count >= 3, TOMLByte.isDigit(token[0]), TOMLByte.isDigit(token[1]), token[2] == TOMLByte.colon {
            return true
        }
        return token.count >= 5 && token[0..<4].allSatisfy(TOMLByte.isDigit) && token[4] == TOMLByte.minus
    }

    /// RFC 3339 as TOML 1.0 restricts it: offset datetime, local datetime, local date, local time (seconds required).
    private static func isValidDateTime(_ token: [UInt8]) -> Bool {
        if token.count >= 3, token[2] == TOMLByte.colon { return timeEnd(in: token, from: 0) == token.count }
        guard let dateEnd = dateEnd(in: token, from: 0) else { return false }
        if dateEnd == token.count { return true }
        let separator = token[dateEnd]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == TOMLByte.space,
            let timeEnd = timeEnd(in: token, from: dateEnd + 1)
        else { return false }
        if timeEnd == token.count { return true }
        let offset = token[timeEnd]
        if offset == UInt8(ascii: "Z") || offset == UInt8(ascii: "z") { return timeEnd + 1 == token.count }
        guard offset == TOMLByte.plus || offset == TOMLByte.minus, timeEnd + 6 == token.count,
            let hours = twoDigits(token, timeEnd + 1), token[timeEnd + 3] == TOMLByte.colon,
            let minutes = twoDigits(token, timeEnd + 4)
        else { return false }
        return hours <= 23 && minutes <= 59
    }

    /// The index after a valid `YYYY-MM-DD` starting at `start`, or nil.
    static func dateEnd(in token: [UInt8], from start: Int) -> Int? {
        guard token.count >= start + 10,
            let century = twoDigits(token, start), let yearInCentury = twoDigits(token, start + 2),
            token[start + 4] == TOMLByte.minus, let month = twoDigits(token, start + 5),
            token[start + 7] == TOMLByte.minus, let day = twoDigits(token, start + 8),
            (1...12).contains(month)
        else { return nil }
        let year = century * 100 + yearInCentury
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let daysInMonth = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...daysInMonth).contains(day) ? start + 10 : nil
    }

    /// The index after a valid `HH:MM:SS[.fraction]` starting at `start`, or nil.
    private static func timeEnd(in token: [UInt8], from start: Int) -> Int? {
        guard token.count >= start + 8,
            let hours = twoDigits(token, start), token[start + 2] == TOMLByte.colon,
            let minutes = twoDigits(token, start + 3), token[start + 5] == TOMLByte.colon,
            let seconds = twoDigits(token, start + 6),
            hours <= 23, minutes <= 59, seconds <= 60  // 60: a leap second
        else { return nil }
        var end = start + 8
        guard end < token.count, token[end] == TOMLByte.dot else { return end }
        end += 1
        let fractionStart = end
        while end < token.count, TOMLByte.isDigit(token[end]) { end += 1 }
        return end > fractionStart ? end : nil
    }

    private static func twoDigits(_ token: [UInt8], _ index: Int) -> Int? {
        guard index + 1 < token.count, TOMLByte.isDigit(token[index]), TOMLByte.isDigit(token[index + 1]) else {
            return nil
        }
        return Int(token[index] - 0x30) * 10 + Int(token[index + 1] - 0x30)
    }
}
