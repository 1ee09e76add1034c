import OpenKoiCore
import OpenKoiMemory

/// What `openkoi learn` prints: patterns and proposals as aligned text or as one JSON object.
enum LearnReport {
    static func json(_ pattern: UsagePattern) -> JSONValue {
        [
            "id": .string(pattern.id), "type": .string(pattern.type.rawValue),
            "description": .string(pattern.description), "frequency": .string(pattern.frequency),
            "samples": .number(Double(pattern.sampleCount)), "confidence": .number(pattern.confidence),
            "status": .string(pattern.status.rawValue),
            "proposed_skill": pattern.proposedSkill.map(JSONValue.string) ?? .null,
            "first_seen": pattern.firstSeen.map(JSONValue.string) ?? .null,
            "last_seen": pattern.lastSeen.map(JSONValue.string) ?? .null,
        ]
    }

    static func json(_ proposal: ProposedSkills.Proposal) -> JSONValue {
        [
            "name": .string(proposal.name), "description": .string(proposal.description),
            "path": .string(proposal.path), "problem": proposal.problem.map(JSONValue.string) ?? .null,
        ]
    }

    static func listJSON(patterns: [UsagePattern], proposals: [ProposedSkills.Proposal]) -> String {
        JSONValue.object(["patterns": .array(patterns.map(json)), "proposed": .array(proposals.map(json))]).jsonString
            + "\n"
    }

    /// One line per pattern: type, description, frequency, samples, confidence, status.
    static func patternLines(_ patterns: [UsagePattern]) -> String {
        let rows = patterns.map { pattern -> [String] in
            var status = pattern.status.rawValue
            if let skill = pattern.proposedSkill { status += " (\(skill))" }
            return [
                pattern.type.rawValue, TerminalText.escaped(pattern.description), pattern.frequency,
                "\(pattern.sampleCount) samples", NumberText.fixed(pattern.confidence, decimals: 2), status,
            ]
        }
        return table(rows)
    }

    static func list(patterns: [UsagePattern], proposals: [ProposedSkills.Proposal], intervalHours: Int) -> String {
        var text = ""
        if patterns.isEmpty {
            text += "No patterns detected yet (mined from your tasks every \(intervalHours) h; "
            text += "`openkoi learn mine` mines now).\n"
        } else {
            text += "Patterns (\(patterns.count)):\n" + patternLines(patterns)
        }
        text += "\n"
        if proposals.isEmpty {
            text += "No proposed skills found. `openkoi learn mine --propose` writes them for confident patterns.\n"
        } else {
            text += "Proposed skills (\(proposals.count)):\n" + proposalLines(proposals)
            text += "\nReview with: openkoi learn view NAME | approve NAME | dismiss NAME\n"
        }
        return text
    }

    static func proposalLines(_ proposals: [ProposedSkills.Proposal]) -> String {
        table(
            proposals.map { proposal in
                [
                    TerminalText.escaped(proposal.name),
                    TerminalText.escaped(proposal.problem.map { "(unreadable: \($0))" } ?? proposal.description),
                ]
            })
    }

    /// Columns padded to their widest cell, two spaces apart, indented by two.
    static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = "  "
            for (index, cell) in row.enumerated() {
                let last = index == row.count - 1
                line += last ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            return line + "\n"
        }.joined()
    }

    /// "a, b" or a hint when there are none: the tail of an unknown-name error.
    static func known(_ proposals: [ProposedSkills.Proposal]) -> String {
        proposals.isEmpty
            ? "There are no proposed skills (`openkoi learn mine --propose` writes them)."
            : "Proposed skills: \(proposals.map(\.name).joined(separator: ", "))."
    }
}
