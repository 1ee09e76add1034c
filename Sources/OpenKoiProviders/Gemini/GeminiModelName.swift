/// How Gemini names models: resources such as `models/gemini-2.5-pro` or `tunedModels/my-model`, which
/// users and config usually shorten to `gemini-2.5-pro`.
enum GeminiModelName {
    /// The resource path for `model`, as it goes into a URL: `gemini-2.5-pro` and `models/gemini-2.5-pro`
    /// both become `models/gemini-2.5-pro`; each segment is percent-encoded so a stray `?` or space in
    /// a configured name cannot change the URL's query.
    static func resource(_ model: String) -> String {
        let name = model.trimmed
        let full = name.hasPrefix("models/") || name.hasPrefix("tunedModels/") ? name : "models/" + name
        return full.split(separator: "/", omittingEmptySubsequences: false).map { percentEncoded($0) }
            .joined(separator: "/")
    }

    /// The short id used in `provider/model`: `models/gemini-2.5-pro` → `gemini-2.5-pro`.
    static func id(_ name: String) -> String {
        name.hasPrefix("models/") ? String(name.dropFirst("models/".count)) : name
    }

    /// Gemini 3 and later answer 400 when a function call in the history comes back without the thought
    /// signature it was sent with; 1.x and 2.x accept it without.
    static func requiresThoughtSignatures(_ model: String) -> Bool {
        let name = id(model.trimmed).lowercased()
        return name.hasPrefix("gemini-") && !name.hasPrefix("gemini-1") && !name.hasPrefix("gemini-2")
    }
}
