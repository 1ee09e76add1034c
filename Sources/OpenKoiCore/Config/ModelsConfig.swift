/// `[models]`: which `provider/model` plays each role. Unset roles fall back to the session's model.
public struct ModelsConfig: Sendable, Equatable {
    /// The original's default embedder; here an unset `embedder` means the offline model
    /// (`scripts/embedder/install.sh`), so recall needs no network and no key.
    public static let originalDefaultEmbedder = "openai/text-embedding-3-small"

    public var executor: String?
    public var evaluator: String?
    public var planner: String?
    /// `provider/model` of an embedding API; `nil`: the offline default embedder.
    public var embedder: String?
    /// A cheap model for summaries and classification (key `small_model`).
    public var smallModel: String?
    /// Executors to try in order when the primary fails (`[models.fallback] executor = [...]`).
    public var fallback: [String]

    public init(
        executor: String? = nil, evaluator: String? = nil, planner: String? = nil,
        embedder: String? = nil, smallModel: String? = nil, fallback: [String] = []
    ) {
        self.executor = executor
        self.evaluator = evaluator
        self.planner = planner
        self.embedder = embedder
        self.smallModel = smallModel
        self.fallback = fallback
    }

    init(reading table: ConfigTableReader) throws(ConfigError) {
        self.init()
        executor = try table.string("executor")
        evaluator = try table.string("evaluator")
        planner = try table.string("planner")
        if let value = try table.string("embedder") { embedder = value }
        smallModel = try table.string("small_model")
        let chain = try table.section("fallback") { (fallback: ConfigTableReader) throws(ConfigError) in
            try fallback.strings("executor")
        }
        if let chain { fallback = chain ?? [] }
    }
}
