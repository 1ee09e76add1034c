import FoundationEssentials
import Testing

@testable import OpenKoiCore

/// The TOML parser against the official toml-test corpus (TOML 1.0.0 cases, copied into
/// `Tests/Fixtures/toml-test`): every valid file must parse to the expected values, every invalid
/// file must be rejected. The pass rate is in the README.
struct TOMLConformanceTests {
    static let corpus: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) }
        return path + "/Fixtures/toml-test"
    }()

    /// Cases the parser gets wrong today. A case leaving this list (fixed) or joining it (broken)
    /// fails the test, so the list and the README's pass rate stay true.
    static let knownFailures: Set<String> = []

    struct Rejection: Error {
        var reason: String
    }

    struct Outcome {
        var passed: [String] = []
        var failed: [(file: String, why: String)] = []
    }

    static func run() throws -> Outcome {
        let list = try String(contentsOfFile: corpus + "/files-toml-1.0.0", encoding: .utf8)
        var outcome = Outcome()
        for file in list.split(separator: "\n").map(String.init) where file.hasSuffix(".toml") {
            let bytes = FileManager.default.contents(atPath: corpus + "/" + file) ?? Data()
            // As the config loader reads files: invalid UTF-8 is refused before parsing.
            let parsed: Result<TOMLTable, Rejection>
            if let text = String(validating: bytes, as: UTF8.self) {
                do throws(TOMLError) {
                    parsed = .success(try TOMLParser.parse(text))
                } catch {
                    parsed = .failure(Rejection(reason: "\(error)"))
                }
            } else {
                parsed = .failure(Rejection(reason: "not UTF-8"))
            }
            if file.hasPrefix("invalid/") {
                if case .success = parsed {
                    outcome.failed.append((file, "accepted"))
                } else {
                    outcome.passed.append(file)
                }
                continue
            }
            let expectedPath = corpus + "/" + file.dropLast(5) + ".json"
            guard let data = FileManager.default.contents(atPath: expectedPath),
                let expected = JSONValue.parse(String(decoding: data, as: UTF8.self))
            else {
                outcome.failed.append((file, "no expected JSON"))
                continue
            }
            switch parsed {
            case .failure(let error):
                outcome.failed.append((file, "rejected: \(error.reason)"))
            case .success(let table):
                if let difference = Self.difference(.table(table), expected, at: "") {
                    outcome.failed.append((file, difference))
                } else {
                    outcome.passed.append(file)
                }
            }
        }
        return outcome
    }

    @Test func theCorpusPassesButTheKnownFailures() throws {
        let outcome = try Self.run()
        let total = outcome.passed.count + outcome.failed.count
        #expect(total > 700, "the corpus was read: \(total) cases")
        let valid = outcome.passed.filter { $0.hasPrefix("valid/") }.count
        print(
            "toml-test 1.0.0: \(outcome.passed.count)/\(total) pass (\(valid) valid, \(outcome.passed.count - valid) invalid)"
        )
        let failing = Set(outcome.failed.map(\.file))
        for (file, why) in outcome.failed where !Self.knownFailures.contains(file) {
            Issue.record("\(file): \(why)")
        }
        for file in Self.knownFailures.subtracting(failing) {
            Issue.record("\(file) passes now: remove it from knownFailures and update the README's pass rate")
        }
    }

    /// The comparison itself catches wrong values, types, keys and kinds of date-time.
    @Test func theComparisonSeesDifferences() {
        let two: JSONValue = ["type": "integer", "value": "2"]
        #expect(Self.difference(.integer(1), two, at: "a") != nil)
        #expect(Self.difference(.integer(2), two, at: "a") == nil)
        #expect(Self.difference(.string("2"), two, at: "a") != nil)
        var table = TOMLTable()
        table["x"] = .integer(2)
        #expect(Self.difference(.table(table), ["y": two], at: "") != nil)
        #expect(Self.difference(.table(table), ["x": two], at: "") == nil)
        let local: JSONValue = ["type": "datetime-local", "value": "1987-07-05T17:45:00"]
        #expect(Self.difference(.datetime("1987-07-05 17:45:00"), local, at: "d") == nil)
        #expect(Self.difference(.datetime("1987-07-05 17:45:00Z"), local, at: "d") != nil, "offset makes it a datetime")
        let fraction: JSONValue = ["type": "datetime", "value": "1987-07-05T17:45:56.600Z"]
        #expect(Self.difference(.datetime("1987-07-05t17:45:56.6z"), fraction, at: "d") == nil)
    }

    // MARK: Comparing with toml-test's tagged JSON

    /// Where `actual` differs from the tagged JSON `expected`, or nil when they agree.
    static func difference(_ actual: TOMLValue, _ expected: JSONValue, at path: String) -> String? {
        if let type = expected["type"]?.stringValue, let value = expected["value"]?.stringValue,
            expected.objectValue?.count == 2
        {
            return leafDifference(actual, type: type, value: value, at: path)
        }
        switch (actual, expected) {
        case (.table(let table), .object(let object)):
            if Set(table.keys) != Set(object.keys) {
                return "\(path): keys \(table.keys.sorted()) != \(object.keys.sorted())"
            }
            for key in table.keys {
                guard let value = table[key], let want = object[key] else { continue }
                if let difference = difference(value, want, at: path + "." + key) { return difference }
            }
            return nil
        case (.array(let items), .array(let wanted)):
            guard items.count == wanted.count else { return "\(path): \(items.count) items, expected \(wanted.count)" }
            for (index, (item, want)) in zip(items, wanted).enumerated() {
                if let difference = difference(item, want, at: "\(path)[\(index)]") { return difference }
            }
            return nil
        default:
            return "\(path): got \(actual.typeName), expected \(expected)"
        }
    }

    static func leafDifference(_ actual: TOMLValue, type: String, value: String, at path: String) -> String? {
        let mismatch = "\(path): got \(actual), expected \(type) \(value)"
        switch (actual, type) {
        case (.string(let text), "string"): return text == value ? nil : mismatch
        case (.integer(let number), "integer"): return Int64(value) == number ? nil : mismatch
        case (.boolean(let flag), "bool"): return String(flag) == value ? nil : mismatch
        case (.float(let number), "float"):
            switch value {
            case "nan": return number.isNaN ? nil : mismatch
            case "inf", "+inf": return number == .infinity ? nil : mismatch
            case "-inf": return number == -.infinity ? nil : mismatch
            default:
                guard let want = Double(value) else { return mismatch }
                return number == want || abs(number - want) <= abs(want) * 1e-15 ? nil : mismatch
            }
        case (.datetime(let text), _):
            let (kind, canonical) = datetime(text)
            return kind == type && canonical == datetime(value).canonical ? nil : mismatch
        default:
            return mismatch
        }
    }

    /// The toml-test kind of a date-time literal and a canonical spelling (`T` and `Z` upper case,
    /// fractional seconds without trailing zeros), so equal instants written differently compare equal.
    static func datetime(_ text: String) -> (kind: String, canonical: String) {
        var canonical = text.uppercased().replacing(" ", with: "T")
        if let dot = canonical.firstIndex(of: ".") {
            let digits = canonical[canonical.index(after: dot)...].prefix { $0.isNumber }
            let trimmed = digits.reversed().drop { $0 == "0" }.reversed()
            let rest = canonical[canonical.index(after: dot)...].dropFirst(digits.count)
            canonical = String(canonical[..<dot]) + (trimmed.isEmpty ? "" : "." + String(trimmed)) + rest
        }
        let hasDate = canonical.count >= 10 && canonical.dropFirst(4).first == "-"
        let hasTime = canonical.contains(":")
        let timePart = hasDate ? String(canonical.dropFirst(10)) : canonical
        let hasOffset =
            timePart.hasSuffix("Z") || timePart.dropFirst(1).contains("+") || timePart.dropFirst(1).contains("-")
        switch (hasDate, hasTime, hasOffset) {
        case (true, true, true): return ("datetime", canonical)
        case (true, true, false): return ("datetime-local", canonical)
        case (true, false, _): return ("date-local", canonical)
        default: return ("time-local", canonical)
        }
    }
}
