#if canImport(Glibc)
    import Glibc
#endif

/// Questions asked on the terminal by `connect` and the pickers; never used without a TTY (callers
/// error out with the valid choices instead).
enum TerminalPrompt {
    /// One line from stdin, without its newline; `nil` at end of input.
    static func line() -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(0, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// A line typed without echo (an API key), read from the terminal on stdin.
    static func secret(_ prompt: String) -> String? {
        StandardStreams.err(prompt)
        var original = termios()
        let isTerminal = tcgetattr(0, &original) == 0
        if isTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &silent)
        }
        defer {
            if isTerminal {
                tcsetattr(0, TCSANOW, &original)
                StandardStreams.err("\n")
            }
        }
        return line()
    }

    /// A numbered menu; returns the chosen item's key, or `nil` when the answer is empty or (unless
    /// `acceptsText`, which returns what was typed) not a listed number.
    static func pick(_ title: String, _ items: [(key: String, label: String)], acceptsText: Bool = false) -> String? {
        StandardStreams.err(title + "\n")
        for (index, item) in items.enumerated() { StandardStreams.err("  \(index + 1). \(item.label)\n") }
        StandardStreams.err("Choose 1-\(items.count): ")
        guard let answer = line()?.trimmed, !answer.isEmpty else { return nil }
        if let number = Int(answer), items.indices.contains(number - 1) { return items[number - 1].key }
        return acceptsText ? answer : nil
    }
}
