/// The `# Skills` section of the executor's prompt.
public enum SkillPrompt {
    /// A skill that would get less than this much of its body is left out rather than cut to a stub.
    static let minimumBodyCharacters = 80
    static let clipMarker = "\n[…clipped]"

    /// `# Skills` then `## <name>` and the body of each selection, highest-ranked first, the whole
    /// section at most `budgetCharacters` long: bodies are clipped (at a line break when one is
    /// near) and skills that no longer fit are left out. Empty when nothing fits or nothing was chosen.
    public static func section(_ selections: [SkillSelection], budgetCharacters: Int) -> String {
        let heading = "# Skills\n"
        var text = heading
        var remaining = budgetCharacters - heading.count
        for selection in selections {
            let header = (text == heading ? "" : "\n") + "## \(selection.skill.name)\n"
            let body = selection.skill.body.isEmpty ? selection.skill.description : selection.skill.body
            guard !body.isEmpty else { continue }
            let room = remaining - header.count - 1
            guard room >= min(minimumBodyCharacters, body.count) else { break }
            let part = header + clip(body, to: room) + "\n"
            text += part
            remaining -= part.count
        }
        return text == heading ? "" : text
    }

    /// `text` if it fits in `limit` characters, else its start (cut back to a line break in the
    /// last half, if there is one) and a marker saying it was cut.
    static func clip(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        let keep = max(0, limit - clipMarker.count)
        var start = text.prefix(keep)
        if let newline = start.lastIndex(of: "\n"), start.distance(from: start.startIndex, to: newline) >= keep / 2 {
            start = start[..<newline]
        }
        return String(start) + clipMarker
    }
}
