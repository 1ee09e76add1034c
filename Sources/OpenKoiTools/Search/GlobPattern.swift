import Glibc
import OpenKoiCore

/// A path pattern: `*`, `?` and `[…]` within one path component (via `fnmatch`), `**` for any number
/// of components, and `{a,b}` alternatives (expanded up front, as shells do).
struct GlobPattern: Sendable {
    /// One component list per `{…}` alternative.
    private let alternatives: [[String]]

    init(_ pattern: String) throws(ToolFailure) {
        guard !pattern.isEmpty else { throw ToolFailure("glob: 'pattern' is empty; try \"**/*\"") }
        guard !pattern.hasPrefix("/") else {
            throw ToolFailure(
                "glob: 'pattern' must be relative (e.g. \"**/*.swift\"); choose the directory with 'path'")
        }
        let expanded = Self.expandBraces(pattern)
        var alternatives: [[String]] = []
        for alternative in expanded {
            let parts = alternative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
                .filter { $0 != "." }
            guard !parts.contains("..") else {
                throw ToolFailure("glob: 'pattern' may not contain '..'; choose the directory with 'path'")
            }
            // Consecutive `**` mean the same as one, and collapsing them keeps matching linear.
            var collapsed: [String] = []
            for part in parts where !(part == "**" && collapsed.last == "**") { collapsed.append(part) }
            if !collapsed.isEmpty { alternatives.append(collapsed) }
        }
        guard !alternatives.isEmpty else { throw ToolFailure("glob: 'pattern' has no path components") }
        self.alternatives = alternatives
    }

    /// Whether a path (components relative to the search root) matches.
    func matches(_ components: [Substring]) -> Bool {
        alternatives.contains { segments in
            Self.closure(Self.states(segments, after: components), segments).contains(segments.count)
        }
    }

    /// Whether anything below this directory could match, so the walk can skip whole subtrees.
    func mayMatchBelow(_ components: [Substring]) -> Bool {
        alternatives.contains { segments in
            Self.closure(Self.states(segments, after: components), segments).contains { $0 < segments.count }
        }
    }

    /// Positions in `segments` reachable after consuming `components` (an NFA over path components).
    private static func states(_ segments: [String], after components: [Substring]) -> Set<Int> {
        var current: Set<Int> = [0]
        for component in components {
            var next: Set<Int> = []
            for state in closure(current, segments) where state < segments.count {
                let segment = segments[state]
                if segment == "**" {
                    next.insert(state)
                } else if fnmatch(segment, String(component), 0) == 0 {
                    next.insert(state + 1)
                }
            }
            if next.isEmpty { return [] }
            current = next
        }
        return current
    }

    /// Adds the states reachable by letting `**` match zero components.
    private static func closure(_ states: Set<Int>, _ segments: [String]) -> Set<Int> {
        var result = states
        for state in states.sorted() {
            var index = state
            while index < segments.count, segments[index] == "**" {
                index += 1
                result.insert(index)
            }
        }
        return result
    }

    /// `a{b,c}d` → `abd`, `acd`; nested and multiple groups expand recursively. Unbalanced braces stay literal.
    static func expandBraces(_ pattern: String) -> [String] {
        let characters = Array(pattern)
        guard let open = characters.firstIndex(of: "{") else { return [pattern] }
        var depth = 0
        var close: Int?
        var commas: [Int] = []
        for index in open..<characters.count {
            switch characters[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { close = index }
            case "," where depth == 1: commas.append(index)
            default: break
            }
            if close != nil { break }
        }
        guard let close, !commas.isEmpty else {
            // Not an alternative list: keep the brace literally and expand what follows.
            let head = String(characters[...open])
            return expandBraces(String(characters[(open + 1)...])).map { head + $0 }
        }
        let prefix = String(characters[..<open])
        let suffix = String(characters[(close + 1)...])
        let bounds = [open] + commas + [close]
        var results: [String] = []
        for (start, end) in zip(bounds, bounds.dropFirst()) {
            let choice = String(characters[(start + 1)..<end])
            results.append(contentsOf: expandBraces(prefix + choice + suffix))
            if results.count > 256 { break }  // A pathological pattern must not explode.
        }
        return results
    }
}
