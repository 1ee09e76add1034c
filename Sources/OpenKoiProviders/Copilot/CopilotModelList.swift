import OpenKoiCore

/// Reads Copilot's `GET /models` answer: `{"data":[{id, name, model_picker_enabled, supported_endpoints,
/// capabilities:{type, limits:{max_context_window_tokens, max_prompt_tokens, max_output_tokens},
/// supports:{tool_calls}}}]}`.
enum CopilotModelList {
    static func models(_ json: JSONValue) -> [ModelInfo] {
        let entries = json["data"]?.arrayValue ?? json["models"]?.arrayValue ?? []
        var seen: Set<String> = []
        var picker: [ModelInfo] = []
        var others: [ModelInfo] = []
        for entry in entries {
            guard let id = entry["id"]?.stringValue, !id.isEmpty, isChatModel(entry), seen.insert(id).inserted
            else { continue }
            let model = info(id: id, entry)
            // Models offered in Copilot's own picker come first, so "the first model" is a current one
            // rather than a dated snapshot.
            if entry["model_picker_enabled"]?.boolValue == true { picker.append(model) } else { others.append(model) }
        }
        return picker + others
    }

    /// Embedding models, and models served only through other endpoints (`/responses`), cannot answer a
    /// chat-completions request.
    private static func isChatModel(_ entry: JSONValue) -> Bool {
        if let type = entry["capabilities"]?["type"]?.stringValue, type != "chat" { return false }
        if let endpoints = entry["supported_endpoints"]?.arrayValue {
            return endpoints.contains { $0.stringValue == "/chat/completions" }
        }
        return true
    }

    private static func info(id: String, _ entry: JSONValue) -> ModelInfo {
        let known = ModelCatalog.copilot.first { $0.id == id }
        let limits = entry["capabilities"]?["limits"]
        // The prompt limit is what Copilot enforces on input; the context window also counts the answer.
        let window =
            limits?["max_prompt_tokens"]?.intValue ?? limits?["max_context_window_tokens"]?.intValue
            ?? known?.contextWindow ?? 128_000
        return ModelInfo(
            id: id, contextWindow: window,
            maxOutputTokens: limits?["max_output_tokens"]?.intValue ?? known?.maxOutputTokens ?? 16_384,
            supportsTools: entry["capabilities"]?["supports"]?["tool_calls"]?.boolValue ?? true, pricing: .free)
    }
}
