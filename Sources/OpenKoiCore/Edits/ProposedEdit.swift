/// A file change a model wrote into its reply text instead of calling a tool: a whole file in a
/// fenced block, a SEARCH/REPLACE block, or a unified-diff hunk. The executor turns each into a
/// `write_file` / `edit_file` call, so confinement, test protection and recording are the tools'.
public struct ProposedEdit: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable {
        case wholeFile = "whole file"
        case searchReplace = "SEARCH/REPLACE"
        case unifiedDiff = "unified diff"
    }

    public enum Change: Sendable, Hashable {
        /// The complete new content of the file.
        case write(String)
        /// Replace `search` (which must occur once) with `replace`.
        case replace(search: String, replace: String)
    }

    /// How the file was named: an explicit heading (`### FILE: x`, `+++ b/x`, the line before a
    /// SEARCH block) is always trusted; a name inferred from prose ("Here is `x`") or a first-line
    /// comment only for files the workspace has or the task names.
    public enum Naming: Sendable, Hashable { case explicit, inferred }

    public var format: Format
    /// Workspace-relative path as the model wrote it; `nil` when the block names no file.
    public var path: String?
    public var naming: Naming
    public var change: Change
    /// Why the edit cannot be applied as written (cut off, malformed); `nil` when it can.
    public var problem: String?

    public init(format: Format, path: String?, naming: Naming = .explicit, change: Change, problem: String? = nil) {
        self.format = format
        self.path = path
        self.naming = naming
        self.change = change
        self.problem = problem
    }

    /// The tool call that applies this edit (`nil` when it names no file or has a problem).
    public func toolCall(id: String) -> ToolCall? {
        guard let path, problem == nil else { return nil }
        switch change {
        case .write(let content):
            return ToolCall(
                id: id, name: "write_file", arguments: ["path": .string(path), "content": .string(content)])
        case .replace(let search, let replace):
            // An empty SEARCH means "this is a new file" in aider's format.
            if search.trimmed.isEmpty {
                return ToolCall(
                    id: id, name: "write_file", arguments: ["path": .string(path), "content": .string(replace)])
            }
            return ToolCall(
                id: id, name: "edit_file",
                arguments: ["path": .string(path), "old_string": .string(search), "new_string": .string(replace)])
        }
    }

    /// A short label for actions and progress: `whole file slug.py`.
    public var label: String { "\(format.rawValue) \(path ?? "(no file named)")" }
}
