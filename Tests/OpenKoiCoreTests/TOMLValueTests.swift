import OpenKoiCore
import Testing

/// Scalar and array values: every string form, number form, boolean and datetime.
struct TOMLValueTests {
    private func value(_ source: String) throws -> TOMLValue? {
        try TOMLParser.parse("v = " + source)["v"]
    }

    private func error(_ source: String) -> TOMLError? {
        #expect(throws: TOMLError.self, "\(source)") { try TOMLParser.parse("v = " + source) }
    }

    // MARK: Strings

    @Test func basicStringEscapes() throws {
        #expect(
            try value(#""tab\there \"quoted\" back\\slash \b\f\n\r""#)
                == "tab\there \"quoted\" back\\slash \u{08}\u{0C}\n\r")
        #expect(try value(#""\u00e9\u00E9 \U0001F600""#) == "éé 😀")
        #expect(try value(#""ünïcödé as is""#) == "ünïcödé as is")
        #expect(try value("\"\"") == "")
    }

    @Test func literalStringsTakeBackslashesVerbatim() throws {
        #expect(try value(#"'C:\Users\nodejs\templates'"#) == #"C:\Users\nodejs\templates"#)
        #expect(try value(#"'<\i\c*\s*>'"#) == #"<\i\c*\s*>"#)
        #expect(try value("''") == "")
    }

    @Test func multilineBasicStrings() throws {
        #expect(try value("\"\"\"\nRoses are red\nViolets are blue\"\"\"") == "Roses are red\nViolets are blue")
        #expect(try value("\"\"\"\r\nline\r\n\"\"\"") == "line\n")
        #expect(try value("\"\"\"The quick \\\n\n    brown \\   \n   fox.\"\"\"") == "The quick brown fox.")
        #expect(
            try value("\"\"\"Here are two quotation marks: \"\". Simple.\"\"\"")
                == "Here are two quotation marks: \"\". Simple.")
        #expect(try value("\"\"\"Here are three: \"\"\\\".\"\"\"") == "Here are three: \"\"\".")
        #expect(
            try value("\"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"")
                == "\"This,\" she said, \"is just a pointless statement.\"")
        #expect(try value("\"\"\"a\tb \\u0041\"\"\"") == "a\tb A")
    }

    @Test func multilineLiteralStrings() throws {
        #expect(
            try value(
                "'''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''")
                == "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n")
        #expect(try value("'''I [dw]on't need \\d{2} apples'''") == "I [dw]on't need \\d{2} apples")
        #expect(try value("''''That,' she said, 'is still pointless.''''") == "'That,' she said, 'is still pointless.'")
    }

    @Test(arguments: [
        #""\x41""#, #""\e""#, #""\uD800""#, #""\U00110000""#, #""\u12""#, "\"abc", "\"a\nb\"", "'abc", "'a\nb'",
        "\"\"\"abc", "'''abc", "\"\"\"a\"\"\"\"\"\"", "\"tab\u{01}\"", "\"trailing\\", "\"a\\\nb\"",
    ])
    func malformedStringsAreRejected(source: String) {
        #expect(error(source) != nil)
    }

    @Test func unterminatedStringPointsAtItsStart() {
        let failure = error("\"never closed")
        #expect(failure?.line == 1)
        #expect(failure?.column == 5)
        #expect(failure?.message == "unterminated string")
    }

    // MARK: Numbers

    @Test(
        arguments: [
            ("+99", 99), ("42", 42), ("0", 0), ("-17", -17), ("+0", 0), ("-0", 0), ("1_000", 1000),
            ("5_349_221", 5_349_221), ("0xDEADBEEF", 0xDEAD_BEEF), ("0xdead_beef", 0xDEAD_BEEF), ("0o755", 0o755),
            ("0b1101_0110", 0b1101_0110), ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
            ("0x7FFFFFFFFFFFFFFF", Int64.max),
        ] as [(String, Int64)])
    func integers(source: String, expected: Int64) throws {
        #expect(try value(source) == .integer(expected))
    }

    @Test(
        arguments: [
            ("+1.0", 1.0), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6), ("-2E-2", -0.02),
            ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228), ("1e1_0", 1e10), ("0.0", 0),
            ("-0.0", -0.0), ("0e0", 0), ("inf", .infinity), ("+inf", .infinity), ("-inf", -.infinity),
        ] as [(String, Double)])
    func floats(source: String, expected: Double) throws {
        #expect(try value(source) == .float(expected))
    }

    @Test func nanIsAFloat() throws {
        for source in ["nan", "+nan", "-nan"] {
            guard case .float(let number) = try value(source) else {
                Issue.record("\(source) is not a float")
                continue
            }
            #expect(number.isNaN)
        }
    }

    @Test(arguments: [
        "01", "00", "+0x1", "-0o7", "0x", "0b102", "0o8", "1__0", "_1", "1_", "1._5", "1.", ".5", "1e", "1e_5",
        "1.5e", "03.14", "9223372036854775808", "-9223372036854775809", "0x8000000000000000", "1.2.3", "1e5e5",
        "Inf", "NaN", "infinity", "+", "-", "0X10", "1_000.", "12abc",
    ])
    func malformedNumbersAreRejected(source: String) {
        #expect(error(source) != nil, "\(source) should not parse")
    }

    @Test func numberErrorsExplainThemselves() {
        #expect(error("1__0")?.message == "invalid number '1__0': an underscore must be between digits")
        #expect(error("012")?.message == "invalid number '012': leading zeros are not allowed")
        #expect(error("99999999999999999999")?.message.contains("out of range") == true)
    }

    // MARK: Booleans and datetimes

    @Test func booleans() throws {
        #expect(try value("true") == true)
        #expect(try value("false") == false)
        #expect(error("True") != nil)
    }

    @Test(arguments: [
        "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999-07:00",
        "1979-05-27 07:32:00Z", "1979-05-27t07:32:00z", "1979-05-27T07:32:00", "1979-05-27T00:32:00.999999",
        "1979-05-27", "07:32:00", "00:32:00.999999", "2024-02-29", "1990-12-31T23:59:60Z",
    ])
    func datetimesKeepTheirSourceText(source: String) throws {
        #expect(try value(source) == .datetime(source))
    }

    @Test(arguments: [
        "1979-13-27", "1979-02-30", "2023-02-29", "1979-05-27T25:00:00", "1979-05-27T07:60:00",
        "1979-05-27T07:32", "07:32", "1979-5-27", "1979-05-27T07:32:00+7:00", "1979-05-27T07:32:00.",
        "1979-05-27T07:32:00Zjunk", "1979-05-27X07:32:00",
    ])
    func malformedDatetimesAreRejected(source: String) {
        #expect(error(source) != nil, "\(source) should not parse")
    }

    @Test func datetimeInArrayAndInlineTable() throws {
        #expect(try value("[1979-05-27, 07:32:00]") == [.datetime("1979-05-27"), .datetime("07:32:00")])
        #expect(try value("{ at = 1979-05-27 07:32:00 }") == ["at": .datetime("1979-05-27 07:32:00")])
    }

    // MARK: Arrays

    @Test func arrays() throws {
        #expect(try value("[]") == [])
        #expect(try value("[ 1, 2, 3 ]") == [1, 2, 3])
        #expect(try value("[ \"red\", 'yellow', \"\"\"green\"\"\" ]") == ["red", "yellow", "green"])
        #expect(try value("[ [ 1, 2 ], [\"a\", 'b'] ]") == [[1, 2], ["a", "b"]])
        #expect(try value("[ 0.1, 0.2, 1, \"mixed\", { x = 1 } ]") == [0.1, 0.2, 1, "mixed", ["x": 1]])
        #expect(try value("[\n  1, # one\n  2, # two\n\n]") == [1, 2])
        #expect(try value("[\r\n1,\r\n2\r\n]") == [1, 2])
    }

    @Test func arrayErrors() {
        #expect(error("[,]") != nil)
        #expect(error("[1,,2]") != nil)
        #expect(error("[1") != nil)
        #expect(error("[1 # comment\n") != nil)
    }

    @Test func valueAccessors() {
        let number: TOMLValue = 3
        #expect(number.doubleValue == 3.0)
        #expect(number.integerValue == 3)
        #expect(number.stringValue == nil)
        #expect(number.typeName == "integer")
        #expect(TOMLValue.datetime("07:32:00").typeName == "datetime")
        #expect(TOMLValue.float(0.5).doubleValue == 0.5)
        #expect(TOMLValue.array([]).arrayValue == [])
        #expect(TOMLValue.boolean(true).boolValue == true)
    }
}
