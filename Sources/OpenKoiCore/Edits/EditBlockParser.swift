/// Finds the file edits a model wrote as text, in the three formats models use on their own:
///
/// - a fenced block whose file is named by the line before it (`### FILE: x.py`, `x.py:`,
///   "Here is `x.py`:"), by its info string (```` ```python title="x.py" ````) or by a first-line
///   comment (`# x.py`, `// x.py`) → the whole file;
/// - SEARCH/REPLACE blocks (`<<<<<<< SEARCH … ======= … >>>>>>> REPLACE`) after a file name (aider's format);
/// - unified diffs (`--- a/x` / `+++ b/x` / `@@` hunks), fenced or bare.
///
/// Parsing only: nothing here touches the disk. A block that names no file is still returned
/// (with `path == nil`), so the executor can say why it was not applied.
public enum EditBlockParser {
    /// - Parameters:
    ///   - text: the model's reply.
    ///   - truncated: the reply hit the output limit, so a block left open at the end is cut off.
    public static func edits(in text: String, truncated: Bool = false) -> [ProposedEdit] {
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        var edits: [ProposedEdit] = []
        var lastPath: String?
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if SearchReplace.isSearchMarker(line) {
                let named = FileNaming.nameBefore(index, in: lines)
                let (edit, next) = SearchReplace.parse(lines, from: index, path: named?.path ?? lastPath)
                if let path = edit.path { lastPath = path }
                edits.append(edit)
                index = next
                continue
            }
            if let fence = Fence(opening: line) {
                let close = fence.closingIndex(in: lines, after: index)
                let body = Array(lines[(index + 1)..<(close ?? lines.count)])
                if body.contains(where: SearchReplace.isSearchMarker) {
                    index += 1  // scan the SEARCH blocks inside; the closing fence is skipped as prose
                    continue
                }
                if UnifiedDiff.starts(body) || fence.language == "diff" || fence.language == "patch" {
                    edits += UnifiedDiff.parse(body)
                } else if let edit = wholeFile(
                    fence: fence, body: body, at: index, in: lines, closed: close != nil,
                    truncated: truncated)
                {
                    if let path = edit.path { lastPath = path }
                    edits.append(edit)
                }
                index = (close ?? lines.count) + 1
                continue
            }
            if UnifiedDiff.isFileHeader(lines, at: index) {
                let end = UnifiedDiff.end(of: lines, from: index)
                edits += UnifiedDiff.parse(Array(lines[index..<end]))
                index = end
                continue
            }
            index += 1
        }
        return edits
    }

    /// A whole-file block, or `nil` when the block is not a file at all (a JSON tool call, a shell
    /// session, a short snippet in prose with no file named).
    static func wholeFile(
        fence: Fence, body: [String], at index: Int, in lines: [String], closed: Bool, truncated: Bool
    ) -> ProposedEdit? {
        if fence.language == "json", body.joined().contains("\"arguments\"") { return nil }  // a tool call
        var content = body
        var naming =
            FileNaming.fromInfo(fence.info).map { ($0, ProposedEdit.Naming.explicit) }
            ?? FileNaming.nameBefore(index, in: lines).map { ($0.path, $0.naming) }
        if let first = content.first, let commented = FileNaming.fromComment(first) {
            // The comment is the model's label, not part of the file.
            content.removeFirst()
            if naming == nil { naming = (commented, .inferred) }
        }
        if naming == nil, FileNaming.nonFileLanguages.contains(fence.language) || content.count < 2 { return nil }
        var problem: String?
        if !closed, truncated {
            problem = "the reply was cut off (output limit) inside this block, so the file would be incomplete"
        }
        let text = content.joined(separator: "\n") + "\n"
        return ProposedEdit(
            format: .wholeFile, path: naming?.0, naming: naming?.1 ?? .explicit, change: .write(text), problem: problem)
    }
}

/// A Markdown code fence line: ```` ``` ```` or `~~~`, three or more, with an optional info string.
struct Fence {
    let marker: Character
    let count: Int
    let info: String

    init?(opening line: String) {
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count <= 3, let first = trimmed.first, first == "`" || first == "~" else {
            return nil
        }
        let run = trimmed.prefix { $0 == first }.count
        guard run >= 3 else { return nil }
        let rest = trimmed.dropFirst(run)
        if first == "`", rest.contains("`") { return nil }  // inline code, not a fence
        marker = first
        count = run
        info = rest.trimmed
    }

    /// The language word of the info string, lowercased (`python` in `python title="x.py"`).
    var language: String {
        String(info.prefix { !$0.isWhitespace && $0 != ":" && $0 != "{" }).lowercased()
    }

    func closingIndex(in lines: [String], after open: Int) -> Int? {
        var index = open + 1
        while index < lines.count {
            let trimmed = lines[index].trimmed
            if trimmed.count >= count, trimmed.allSatisfy({ $0 == marker }) { return index }
            index += 1
        }
        return nil
    }
}
