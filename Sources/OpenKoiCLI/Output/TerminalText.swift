import OpenKoiCore

/// Text from outside (a model's stream, a tool result, a batch id, a server's error) made safe for
/// a terminal: control characters other than newline and tab are shown as `\x1B`-style escapes, so
/// `ESC ] 0 ; … BEL` cannot retitle the window, `\r` cannot overwrite a line, and a stray escape
/// sequence cannot recolour or clear the screen.
enum TerminalText {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result +=
                    scalar.value > 0xFF
                    ? "\\u{\(NumberText.hex(scalar.value, digits: 4))}"
                    : "\\x" + NumberText.hex(scalar.value, digits: 2)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// C0 (but newline and tab), DEL, C1, and the bidirectional overrides that reorder what is shown.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
