import CYAML
import OpenKoiCore

/// A parsed YAML document (the subset SKILL.md frontmatter uses: mappings, sequences, scalars).
/// `plain` scalars were written without quotes, so `true`, `12` and `~` keep their YAML meaning.
indirect enum YAMLNode: Sendable, Hashable {
    case scalar(String, line: Int, plain: Bool)
    case sequence([YAMLNode], line: Int)
    case mapping([(key: String, value: YAMLNode)], line: Int)

    static func == (a: YAMLNode, b: YAMLNode) -> Bool {
        switch (a, b) {
        case (.scalar(let x, _, let p), .scalar(let y, _, let q)): return x == y && p == q
        case (.sequence(let x, _), .sequence(let y, _)): return x == y
        case (.mapping(let x, _), .mapping(let y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch self {
        case .scalar(let s, _, _): hasher.combine(s)
        case .sequence(let items, _): hasher.combine(items)
        case .mapping(let pairs, _): for pair in pairs { hasher.combine(pair.key); hasher.combine(pair.value) }
        }
    }

    var line: Int {
        switch self {
        case .scalar(_, let line, _), .sequence(_, let line), .mapping(_, let line): return line
        }
    }

    subscript(key: String) -> YAMLNode? {
        if case .mapping(let pairs, _) = self { return pairs.first { $0.key == key }?.value }
        return nil
    }

    var scalar: String? { if case .scalar(let s, _, _) = self { return s }; return nil }
    var items: [YAMLNode]? { if case .sequence(let items, _) = self { return items }; return nil }
}

struct YAMLError: Error, Sendable {
    var line: Int
    var message: String
}

/// Builds a `YAMLNode` tree from libyaml's event stream (Debian `libyaml-dev`; no Foundation YAML package,
/// which would pull ICU into the binary — DESIGN.md §4).
enum YAMLReader {
    static func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(line: 0, message: "cannot initialise the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    throw YAMLError(line: Int(parser.problem_mark.line) + 1, message: problem)
                }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT: return builder.root
                case YAML_SCALAR_EVENT:
                    let value = String(
                        decoding: UnsafeBufferPointer(start: event.data.scalar.value, count: event.data.scalar.length),
                        as: UTF8.self)
                    let plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                    try builder.add(.scalar(value, line: line, plain: plain))
                case YAML_SEQUENCE_START_EVENT: try builder.open(.sequence([], line: line))
                case YAML_MAPPING_START_EVENT: try builder.open(.mapping([], line: line))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT: try builder.close()
                case YAML_ALIAS_EVENT:
                    throw YAMLError(line: line, message: "YAML aliases are not supported in SKILL.md")
                default: continue
                }
            }
        }
    }

    /// Assembles nested collections from start/end events.
    struct Builder {
        /// Deeper nesting is no SKILL.md anyone writes, and it would make the recursive walks over
        /// the tree (equality, conversion to JSON) a stack risk on hostile input.
        static let maximumDepth = 64

        var stack: [(node: YAMLNode, pendingKey: String?)] = []
        var root: YAMLNode?

        mutating func open(_ node: YAMLNode) throws(YAMLError) {
            guard stack.count < Self.maximumDepth else {
                throw YAMLError(line: node.line, message: "YAML nested deeper than \(Self.maximumDepth) levels")
            }
            stack.append((node, nil))
        }

        mutating func close() throws(YAMLError) {
            guard let finished = stack.popLast() else { throw YAMLError(line: 0, message: "unbalanced YAML document") }
            try add(finished.node)
        }

        mutating func add(_ node: YAMLNode) throws(YAMLError) {
            guard var top = stack.popLast() else {
                guard root == nil else {
                    throw YAMLError(line: node.line, message: "frontmatter must be a single YAML document")
                }
                root = node
                return
            }
            // Each collection is emptied out of `top` before it grows, so appends happen in place
            // instead of copying the array every time (quadratic on a long list).
            switch top.node {
            case .sequence(var items, let line):
                top.node = .sequence([], line: line)
                items.append(node)
                top.node = .sequence(items, line: line)
            case .mapping(var pairs, let line):
                top.node = .mapping([], line: line)
                if let key = top.pendingKey {
                    pairs.append((key, node))
                    top.pendingKey = nil
                } else if case .scalar(let key, _, _) = node {
                    top.pendingKey = key
                } else {
                    throw YAMLError(line: node.line, message: "mapping keys must be plain text")
                }
                top.node = .mapping(pairs, line: line)
            case .scalar:
                throw YAMLError(line: node.line, message: "unexpected YAML structure")
            }
            stack.append(top)
        }
    }
}
