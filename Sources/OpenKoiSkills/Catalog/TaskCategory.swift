import OpenKoiCore

/// The category of a task (`code`, `sql`, `summary`, … or `general`), from its words and, when the
/// task is vague ("make it faster"), from the files in the workspace. The reference never set one,
/// so its domain evaluators and category-based skill selection never ran (§14.1 item 5).
public enum TaskCategory {
    public static let general = "general"

    /// The best-supported category, `general` when nothing points anywhere.
    /// - Parameters:
    ///   - workspaceFiles: paths relative to the workspace (any order; only extensions are read).
    ///   - extraCategories: categories the installed evaluators declare beyond the built-in ones;
    ///     each is signalled by its own name.
    public static func detect(task: String, workspaceFiles: [String], extraCategories: [String] = []) -> String {
        let scores = scores(task: task, workspaceFiles: workspaceFiles, extraCategories: extraCategories)
        guard let top = scores.values.max(), top > 0 else { return general }
        let extras = extraCategories.map { $0.lowercased() }.filter { !priority.contains($0) }.sorted()
        return (priority + extras).first { scores[$0] == top } ?? general
    }

    /// How many signals point at each category (categories with none are absent).
    public static func scores(task: String, workspaceFiles: [String], extraCategories: [String] = []) -> [String: Int] {
        let words = TaskWords(task)
        var table = signals
        for category in extraCategories.map({ $0.lowercased() }) where table[category] == nil {
            table[category] = [category]
        }
        var scores: [String: Int] = [:]
        for (category, list) in table {
            let count = list.filter(words.contains).count
            if count > 0 { scores[category] = count }
        }
        if scores.isEmpty, words.refersToWorkspace, let evidence = workspaceEvidence(workspaceFiles) {
            scores[evidence] = 1
        }
        return scores
    }

    /// What the workspace is mostly made of: `sql` when .sql files are at least as many as source
    /// files, `code` when there is source, `docs` for a folder of prose; nil for nothing known.
    static func workspaceEvidence(_ files: [String]) -> String? {
        var code = 0
        var sql = 0
        var docs = 0
        for file in files {
            guard let dot = file.lastIndex(of: "."), !file[dot...].contains("/") else { continue }
            let ext = file[file.index(after: dot)...].lowercased()
            if ext == "sql" {
                sql += 1
            } else if codeExtensions.contains(ext) {
                code += 1
            } else if ["md", "rst", "adoc", "txt"].contains(ext) {
                docs += 1
            }
        }
        if sql > 0, sql >= code { return "sql" }
        if code > 0 { return "code" }
        return docs > 0 ? "docs" : nil
    }

    static let codeExtensions: Set<String> = [
        "swift", "py", "rs", "js", "jsx", "ts", "tsx", "go", "java", "kt", "kts", "c", "h", "cc", "cpp", "hpp", "m",
        "mm", "rb", "php", "cs", "scala", "sh", "zig", "lua", "dart", "ex", "exs", "hs", "ml", "clj", "jl",
    ]

    /// Ties go to the more specific category (a migration is also SQL, a bug fix is also code).
    static let priority = [
        "migration", "sql", "schema", "database", "graphql", "rest", "endpoint", "api", "unit-test",
        "integration-test", "test", "testing", "spec", "bugfix", "refactor", "summary", "readme", "documentation",
        "docs",
        "writing", "code",
    ]

    /// Signals per category. Plain words match whole words (and their plural), phrases match word
    /// runs, `.ext` and `name.ext` match the end of a path in the task, `dir/` any path containing it.
    static let signals: [String: [String]] = [
        "code": [
            "code", "function", "implement", "compile", "compiler", "swift", "python", "rust", "javascript",
            "typescript", "golang", "java", "kotlin", "class", "method", "script", "program", "library", "module",
            "algorithm", "src/", ".py", ".swift", ".rs", ".js", ".ts", ".go", ".java", ".kt", ".c", ".cpp", ".rb",
        ],
        "refactor": ["refactor", "refactoring", "clean up", "rename", "restructure", "deduplicate", "simplify"],
        "bugfix": ["bugfix", "fix", "bug", "crash", "error", "failing", "broken", "regression", "exception", "panic"],
        "sql": [
            "sql", ".sql", "query", "queries", "postgres", "postgresql", "sqlite", "mysql", "insert into",
            "select *", "group by", "order by", "inner join", "left join", "create table",
        ],
        "migration": ["migration", "migrate", "alter table", "add column", "drop column"],
        "schema": ["schema"],
        "database": ["database", "db"],
        "api": ["api", "http api", "openapi", "swagger"],
        "endpoint": ["endpoint", "route"],
        "rest": ["rest api", "restful", "rest endpoint"],
        "graphql": ["graphql", "resolver"],
        "test": ["test", "test suite", "coverage", "unit test", "pytest", "xctest", "assertion"],
        "testing": ["testing"],
        "spec": ["spec"],
        "unit-test": ["unit-test"],
        "integration-test": ["integration-test", "integration test"],
        "writing": [
            "writing", "essay", "article", "blog", "email", "letter", "story", "poem", "translate", "rewrite",
            "proofread", "draft",
        ],
        "summary": ["summary", "summarize", "summarise", "recap", "tldr", "key points"],
        "docs": ["docs", "docstring", "doc comment", "changelog.md"],
        "documentation": ["documentation", "document"],
        "readme": ["readme", "readme.md"],
    ]
}

/// A task's text cut into what the signals match: words outside paths, word runs, and paths.
struct TaskWords {
    var words: [String] = []
    var paths: [String] = []
    private var wordSet: Set<String> = []
    /// The words joined by single spaces, padded, so a phrase matches only at word boundaries.
    private var phraseText = " "

    init(_ text: String) {
        for raw in text.lowercased().split(whereSeparator: \.isWhitespace) {
            let token = raw.trimming { !($0.isLetter || $0.isNumber) && !"./_-*".contains($0) }
                .trimming { $0 == "." }
            guard !token.isEmpty else { continue }
            if Self.isPath(token) {
                // A file name's words are not the task's: `src/api.py` is code, not an API task.
                paths.append(token)
                continue
            }
            for word in token.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "*") }) {
                words.append(String(word))
            }
        }
        wordSet = Set(words)
        phraseText = " " + words.joined(separator: " ") + " "
    }

    /// `src/x`, `api.py`, `README.md`: a slash, or a dot followed by a short extension.
    static func isPath(_ token: String) -> Bool {
        if token.contains("/") { return true }
        guard let dot = token.lastIndex(of: "."), dot != token.startIndex else { return false }
        let ext = token[token.index(after: dot)...]
        return (1...5).contains(ext.count) && ext.allSatisfy(\.isLetter)
    }

    func contains(_ signal: String) -> Bool {
        if signal.contains("/") { return paths.contains { $0.contains(signal) } }
        if signal.contains(".") { return paths.contains { $0.hasSuffix(signal) } }
        if signal.contains(" ") { return phraseText.contains(" \(signal) ") }
        return wordSet.contains(signal) || wordSet.contains(signal + "s") || wordSet.contains(signal + "es")
    }

    /// Words that make a task about the files at hand ("make it faster", "add caching here").
    var refersToWorkspace: Bool {
        !paths.isEmpty || words.contains { Self.workspaceWords.contains($0) }
    }

    static let workspaceWords: Set<String> = [
        "it", "this", "these", "here", "project", "repo", "repository", "codebase", "app", "application", "make",
        "speed", "faster", "slow", "optimize", "optimise", "improve", "add", "remove", "change", "update", "clean",
        "support", "handle", "port", "upgrade", "tidy", "build", "feature",
    ]
}
