import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

/// `openkoi learn evolve-soul`: asks a model for a small change to the soul drawn from the lessons
/// memory is most sure of, shows it as a line diff, and writes it only when the user agrees
/// (keeping the old file as `SOUL.md.bak`).
enum SoulEvolution {
    /// High-confidence lessons needed before the soul is worth changing.
    static let minimumLessons = 5
    static let minimumConfidence = 0.8
    /// A proposal changing more lines than this is a rewrite, not an evolution.
    static let maximumChangedLines = 19

    enum Rejection: Error, Equatable, CustomStringConvertible {
        case unchanged
        case tooLarge(Int)
        case empty

        var description: String {
            switch self {
            case .unchanged: return "the model proposed no change"
            case .tooLarge(let lines):
                return "the model rewrote \(lines) lines (at most \(maximumChangedLines) may change); nothing written"
            case .empty: return "the model's reply held no soul text"
            }
        }
    }

    /// The lessons it draws on: decayed confidence at least `minimumConfidence`, anti-patterns too.
    static func lessons(from stored: [StoredLearning]) -> [StoredLearning] {
        Array(stored.filter { $0.lesson.confidence >= minimumConfidence }.prefix(20))
    }

    static func request(soul: String, lessons: [StoredLearning], model: String) -> ChatRequest {
        var text =
            "Current soul (the agent's identity, in its own voice):\n\n\(soul)\n\nLessons learned with high confidence:\n"
        for item in lessons {
            text += "- [\(item.lesson.kind.rawValue), \(NumberText.fixed(item.lesson.confidence, decimals: 2))] "
            text += item.lesson.content + "\n"
        }
        text += """

            Propose a minimal evolution of the soul that reflects these lessons: change or add at most
            two or three lines, keep the voice and everything else exactly as it is. Reply with the
            complete new soul document and nothing else.
            """
        return ChatRequest(
            model: model, system: "You edit an AI agent's identity document with restraint.",
            messages: [.user(text)], maxTokens: 3000, temperature: 0.4)
    }

    /// The proposal, fenced or not, if it changes between 1 and `maximumChangedLines` lines.
    static func proposal(from reply: String, current: String) -> Result<String, Rejection> {
        var text = reply.trimmed
        if text.hasPrefix("```"), let firstNewline = text.firstIndex(of: "\n") {
            text = String(text[text.index(after: firstNewline)...])
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
            text = text.trimmed
        }
        guard !text.isEmpty else { return .failure(.empty) }
        let changed = diff(current, text).filter { $0.hasPrefix("- ") || $0.hasPrefix("+ ") }.count
        if changed == 0 { return .failure(.unchanged) }
        if changed > maximumChangedLines { return .failure(.tooLarge(changed)) }
        return .success(text + "\n")
    }

    /// A line diff (longest common subsequence): `- ` removed, `+ ` added, `  ` kept.
    static func diff(_ old: String, _ new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out: [String] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                out.append("  " + a[i])
                (i, j) = (i + 1, j + 1)
            } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
                out.append("- " + a[i])
                i += 1
            } else {
                out.append("+ " + b[j])
                j += 1
            }
        }
        return out
    }

    /// Writes the new soul to `path`, first copying the current file (if any) to `path.bak`.
    static func write(_ text: String, to path: String) throws {
        if let current = FileManager.default.contents(atPath: path) {
            try AtomicFile.write(current, to: path + ".bak")
        }
        try AtomicFile.write(text, to: path)
    }
}
