/// What a task's words say about the files it touches, read once per task.
struct TaskIntent: Sendable, Hashable {
    /// Paths the task names (`src/app.py`, `config.toml`), in order of appearance.
    var mentionedPaths: [String]
    /// Paths the task says to create or write (`create stack.py`, `save the result to out.json`).
    var expectedFiles: [String]
    /// The task asks for changes to tests ("add a test", "fix the failing test file"); otherwise
    /// existing test files are protected from edits.
    var allowsTestChanges: Bool

    init(_ description: String) {
        let words = Self.words(description)
        var mentioned: [String] = []
        var expected: [String] = []
        for (index, word) in words.enumerated() {
            let path = FileNaming.strip(word)
            guard FileNaming.looksLikePath(path), !mentioned.contains(path) else { continue }
            mentioned.append(path)
            let before = words[max(0, index - 4)..<index].map { $0.lowercased() }
            if before.contains(where: { Self.creationVerbs.contains(FileNaming.strip($0)) }), !path.hasPrefix("/") {
                expected.append(path)
            }
        }
        mentionedPaths = mentioned
        expectedFiles = expected
        allowsTestChanges = Self.asksForTestChanges(words.map { FileNaming.strip($0.lowercased()) })
    }

    static let creationVerbs: Set<String> = [
        "create", "creates", "creating", "write", "writes", "generate", "save", "saves", "add", "make", "produce",
        "new",
        "called", "named",
    ]
    /// "Fix the failing test" means fixing the code under test, so "fix" is not among them.
    static let editVerbs: Set<String> = [
        "add", "write", "create", "update", "change", "edit", "modify", "extend", "improve", "rewrite", "adjust",
    ]

    /// An edit verb within three words before "test"/"tests"/"test file" (or a test file's name).
    static func asksForTestChanges(_ words: [String]) -> Bool {
        for (index, word) in words.enumerated() {
            let isTestWord =
                word == "test" || word == "tests" || word == "unittest" || word == "unittests"
                || word.hasPrefix("test_") || word.hasSuffix("_test.py") || word.contains(".test.")
                || word.contains(".spec.")
            guard isTestWord else { continue }
            if words[max(0, index - 3)..<index].contains(where: editVerbs.contains) { return true }
        }
        return false
    }

    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map(String.init)
    }
}
