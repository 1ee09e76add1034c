/// Spots regular expressions whose matching can take exponential time on a backtracking engine
/// (Swift's `Regex` is one): a repetition of a group that itself contains an unbounded repetition,
/// as in `^(a+)+$` on forty `a`s and a `!`. Such a pattern is refused up front with a rewrite hint;
/// the grep time limit covers what this check cannot see.
enum RegexRisk {
    /// The nested group (its text up to the outer quantifier), or nil when there is none.
    static func nestedRepetition(in pattern: String) -> String? {
        let characters = Array(pattern)
        struct Group {
            var start: Int
            var repeatsInside = false
        }
        var groups: [Group] = [Group(start: 0)]
        var index = 0
        /// The group that just closed, for a quantifier that follows it.
        var closed: (start: Int, repeatsInside: Bool)?

        func unboundedQuantifier(at position: Int) -> (isUnbounded: Bool, length: Int)? {
            guard position < characters.count else { return nil }
            switch characters[position] {
            case "*", "+": return (true, 1)
            case "?": return (false, 1)
            case "{":
                guard let close = characters[position...].firstIndex(of: "}") else { return nil }
                let body = String(characters[(position + 1)..<close])
                let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                guard !parts.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }),
                    !(parts.first?.isEmpty ?? true)
                else { return nil }
                return (parts.count == 2 && parts[1].isEmpty, close - position + 1)
            default: return nil
            }
        }

        while index < characters.count {
            let character = characters[index]
            var atomEnd = index + 1
            var atomGroup: (start: Int, repeatsInside: Bool)?
            switch character {
            case "\\":
                atomEnd = min(characters.count, index + 2)
            case "[":
                // A class is one atom; `]` first (or after `^`) is a literal.
                var scan = index + 1
                if scan < characters.count, characters[scan] == "^" { scan += 1 }
                if scan < characters.count, characters[scan] == "]" { scan += 1 }
                while scan < characters.count, characters[scan] != "]" {
                    scan += characters[scan] == "\\" ? 2 : 1
                }
                atomEnd = min(characters.count, scan + 1)
            case "(":
                groups.append(Group(start: index))
                index += 1
                closed = nil
                continue
            case ")":
                guard groups.count > 1, let group = groups.popLast() else { break }
                atomGroup = (group.start, group.repeatsInside)
                if group.repeatsInside { groups[groups.count - 1].repeatsInside = true }
            default:
                break
            }
            closed = atomGroup
            index = atomEnd
            if let (isUnbounded, length) = unboundedQuantifier(at: index) {
                if isUnbounded {
                    if let closed, closed.repeatsInside {
                        return String(characters[closed.start..<(index + length)])
                    }
                    groups[groups.count - 1].repeatsInside = true
                }
                index += length
                // A lazy `?` or possessive `+` after the quantifier changes nothing here.
                if index < characters.count, characters[index] == "?" || characters[index] == "+" { index += 1 }
                closed = nil
            }
        }
        return nil
    }
}
