import OpenKoiCore
import Testing

/// Document structure: keys, tables, arrays of tables, inline tables, and the errors TOML requires.
struct TOMLParserTests {
    @Test func emptyAndCommentOnlyDocumentsAreEmptyTables() throws {
        #expect(try TOMLParser.parse("").isEmpty)
        #expect(try TOMLParser.parse("# just a comment\n\n   # another\n").isEmpty)
        #expect(try TOMLParser.parse("\u{FEFF}a = 1")["a"] == 1)
    }

    @Test func commentsMayFollowValuesAndHeaders() throws {
        let table = try TOMLParser.parse(
            """
            a = 1 # one
            [t] # a table
            b = "#not a comment" # but this is
            """)
        #expect(table["a"] == 1)
        #expect(table["t"] == ["b": "#not a comment"])
    }

    @Test func bareQuotedAndDottedKeys() throws {
        let table = try TOMLParser.parse(
            """
            bare_key-1 = 1
            "quoted key" = 2
            'literal "key"' = 3
            "" = 4
            site."google.com" = true
            a . b . c = 5
            3.14 = "pi"
            """)
        #expect(table["bare_key-1"] == 1)
        #expect(table["quoted key"] == 2)
        #expect(table["literal \"key\""] == 3)
        #expect(table[""] == 4)
        #expect(table["site"] == ["google.com": true])
        #expect(table["a"] == ["b": ["c": 5]])
        #expect(table["3"] == ["14": "pi"])
    }

    @Test func keysKeepSourceOrderAndLines() throws {
        let table = try TOMLParser.parse("zeta = 1\n\nalpha = 2\n[mid]\nx = 1\n")
        #expect(table.keys == ["zeta", "alpha", "mid"])
        #expect(table.map(\.key) == ["zeta", "alpha", "mid"])
        #expect(table.line(of: "zeta") == 1)
        #expect(table.line(of: "alpha") == 3)
        #expect(table.line(of: "mid") == 4)
        #expect(table["mid"]?.tableValue?.line == 4)
        #expect(table["mid"]?.tableValue?.line(of: "x") == 5)
        #expect(table.line(of: "missing") == nil)
    }

    @Test func tablesAndSubtables() throws {
        let table = try TOMLParser.parse(
            """
            [server]
            host = "localhost"
            [server.tls]
            enabled = true
            [ "quoted" . bare ]
            x = 1
            [a.b.c]
            [a]
            d = 2
            """)
        #expect(table["server"] == ["host": "localhost", "tls": ["enabled": true]])
        #expect(table["quoted"] == ["bare": ["x": 1]])
        #expect(table["a"] == ["b": ["c": [:]], "d": 2])
    }

    @Test func dottedKeysMayBeExtendedBySubtableHeaders() throws {
        let table = try TOMLParser.parse(
            """
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(table["fruit"] == ["apple": ["color": "red", "taste": ["sweet": true], "texture": ["smooth": true]]])
    }

    @Test func arraysOfTables() throws {
        let table = try TOMLParser.parse(
            """
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"
            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let expected: TOMLValue = [
            [
                "name": "apple", "physical": ["color": "red"],
                "varieties": [["name": "red delicious"], ["name": "granny smith"]],
            ],
            ["name": "banana", "varieties": [["name": "plantain"]]],
        ]
        #expect(table["fruits"] == expected)
        #expect(table["fruits"]?.arrayValue?[1].tableValue?.line == 9)
    }

    @Test func inlineTables() throws {
        let table = try TOMLParser.parse(
            """
            name = { first = "Tom", last = "Preston-Werner" }
            point = {x=1,y=2}
            empty = {}
            nested = { a.b = 1, a.c = [1, { d = 2 }] }
            """)
        #expect(table["name"] == ["first": "Tom", "last": "Preston-Werner"])
        #expect(table["point"] == ["x": 1, "y": 2])
        #expect(table["empty"] == [:])
        #expect(table["nested"] == ["a": ["b": 1, "c": [1, ["d": 2]]]])
        #expect(table["name"]?.tableValue?.line(of: "last") == 1)
    }

    @Test func crlfLineEndingsWork() throws {
        let table = try TOMLParser.parse("a = 1\r\n[t]\r\nb = \"x\" # c\r\n")
        #expect(table["t"] == ["b": "x"])
        #expect(table["t"]?.tableValue?.line(of: "b") == 3)
    }

    // MARK: Errors

    @Test(arguments: [
        ("a = 1\na = 2", 2, "duplicate key 'a' (first defined on line 1)"),
        ("a.b = 1\na.b = 2", 2, "duplicate key 'a.b'"),
        ("[t]\nx = 1\n[t]", 3, "table [t] is already defined on line 1"),
        ("[t]\n[t.x]\n[t]", 3, "already defined"),
        ("a = 1\n[a]", 2, "cannot define [a]: it is already an integer (line 1)"),
        ("[fruit]\napple.color = 'red'\n[fruit.apple]", 3, "already defined with dotted keys"),
        ("a.b = 1\n[a]", 2, "already defined with dotted keys"),
        ("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, "defined by a header"),
        ("t = {x = 1}\n[t]", 2, "already a table"),
        ("t = {x = 1}\n[t.y]", 2, "inline table, which cannot be extended"),
        ("t = {x = 1}\nt.y = 2", 2, "already a table"),
        ("a = [1]\n[[a]]", 2, "already an array"),
        ("[[a]]\n[a]", 2, "array of tables"),
        ("[a]\n[[a]]", 2, "already a table"),
        ("p = {x = 1, x = 2}", 1, "duplicate key 'x'"),
    ])
    func redefinitionsAreRejected(source: String, line: Int, message: String) {
        let error = #expect(throws: TOMLError.self) { try TOMLParser.parse(source) }
        #expect(error?.line == line, "\(source)")
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }

    @Test(arguments: [
        ("a = ", 1, 5, "expected a value"),
        ("a", 1, 2, "expected '='"),
        ("= 1", 1, 1, "expected a key"),
        ("a = 1 b = 2", 1, 7, "expected a newline"),
        ("x = 1\n[t", 2, 3, "expected ']'"),
        ("[[t]", 1, 5, "expected ']]'"),
        ("[]", 1, 2, "expected a key"),
        ("p = { a = 1,\n b = 2 }", 1, 13, "expected a key"),
        ("p = { a = 1 \n}", 1, 13, "one line"),
        ("p = { a = 1, }", 1, 14, "trailing comma"),
        ("a = [1 2]", 1, 8, "expected ',' or ']'"),
        ("a = [1,\n2,\n", 3, 1, "unterminated array (opened on line 1)"),
        ("a = truthy", 1, 5, "unknown word"),
        ("# bell \u{07}", 1, 8, "control character"),
        ("a = 1\r", 1, 6, "expected a newline"),
        ("k = \"ключ\" é", 1, 12, "expected a newline"),
    ])
    func syntaxErrorsHaveLineAndColumn(source: String, line: Int, column: Int, message: String) {
        let error = #expect(throws: TOMLError.self) { try TOMLParser.parse(source) }
        #expect(error?.line == line, "\(source): \(error?.description ?? "")")
        #expect(error?.column == column, "\(source): \(error?.description ?? "")")
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }

    @Test func errorDescriptionNamesFileLineAndColumn() {
        var error = TOMLError(line: 3, column: 7, message: "expected '='")
        #expect(error.description == "<input>:3:7: expected '='")
        error.file = "/home/me/.openkoi/config.toml"
        #expect(error.description == "/home/me/.openkoi/config.toml:3:7: expected '='")
    }

    @Test func tablesCompareAsUnorderedMaps() {
        var first = TOMLTable()
        first.setValue(1, forKey: "a", line: 1)
        first.setValue(2, forKey: "b", line: 2)
        var second = TOMLTable(line: 9)
        second["b"] = 2
        second["a"] = 1
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        second["a"] = nil
        #expect(second.keys == ["b"])
        #expect(first != second)
    }
}
