/// The headers Copilot's API expects from an editor integration, kept in one place so a version bump
/// is one edit.
///
/// Copilot admits only known integrations: the integration id names VS Code's chat, and the editor
/// versions are VS Code's (what other third-party clients send too); `User-Agent` stays `openkoi`.
enum CopilotHeaders {
    static let editorVersion = "vscode/1.104.1"
    static let editorPluginVersion = "copilot-chat/0.26.7"
    static let integrationID = "vscode-chat"
    /// The API revision whose request and response shapes this adapter follows.
    static let apiVersion = "2025-10-01"

    /// Sent on the token exchange and on every API call.
    static let editor: [(name: String, value: String)] = [
        ("Editor-Version", editorVersion), ("Editor-Plugin-Version", editorPluginVersion),
    ]

    /// Sent on every API call.
    static let api: [(name: String, value: String)] =
        editor + [("Copilot-Integration-Id", integrationID), ("x-github-api-version", apiVersion)]

    /// Sent on chat calls.
    /// - Parameter initiator: `user` when a person's message starts the call, `agent` for the follow-up
    ///   rounds of a tool loop; Copilot counts only user-initiated calls against premium-request quotas.
    static func chat(initiator: String) -> [(name: String, value: String)] {
        api + [("Openai-Intent", "conversation-edits"), ("x-initiator", initiator)]
    }
}
