import FoundationEssentials
import OpenKoiCore

/// The ChatGPT backend's error answers, which differ from the public API's in two ways.
enum ChatGPTBackendError {
    /// Classifies a non-2xx answer.
    ///
    /// - A plan's usage limit (429 `usage_limit_reached`) resets hours later, so it is not retried like a
    ///   rate limit; the message says when it resets.
    /// - Refused requests carry `{"detail": "…"}` instead of `{"error": {…}}`; the detail becomes the message.
    /// - A refused sign-in says how to sign in again.
    static func classify(
        status: Int, headers: [String: String], body: Data, provider: String, secret: String?
    ) -> ProviderError {
        let json = JSONValue.parse(body)
        let error = json?["error"]
        if status == 429,
            [error?["type"], error?["code"]].contains(where: { $0?.stringValue == "usage_limit_reached" })
        {
            let message = error?["message"]?.stringValue ?? "The usage limit has been reached"
            let plan = error?["plan_type"]?.stringValue.map { " on the \($0) plan" } ?? ""
            let resets = (error?["resets_in_seconds"]?.doubleValue).map { " It resets in \(duration($0))." } ?? ""
            return ProviderError(
                .http(status: 429), provider: provider,
                message: redacting(
                    "HTTP 429 usage_limit_reached: \(message)\(plan).\(resets) Wait for the reset or pick another provider.",
                    secret: secret))
        }
        var data = body
        if let detail = json?["detail"]?.stringValue {
            data = jsonBody(["error": ["message": .string(detail)]])
        }
        var failure = ProviderError.fromHTTP(
            status: status, headers: headers, body: data, provider: provider, secret: secret)
        if failure.kind == .authentication {
            failure.message += " (the ChatGPT sign-in was refused: run `openkoi connect chatgpt` to sign in again)"
        }
        return failure
    }

    /// `2 h 5 min`, `12 min`, `40 s`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(max(0, seconds.rounded()))
        if total < 60 { return "\(total) s" }
        let hours = total / 3600
        let minutes = (total % 3600) / 60
        return hours > 0 ? "\(hours) h \(minutes) min" : "\(minutes) min"
    }
}
