import Foundation
import PackagePlugin

/// Compiles every Markdown file under `Skills/` (each `SKILL.md`, and `soul/SOUL.md`) into the
/// OpenKoiSkills module (see SkillEmbedder).
@main
struct EmbedSkills: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL.appending(path: "Skills")
        var files: [URL] = []
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "md" { files.append(url) }
        }
        files.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "BundledSkillSources.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) bundled skill files",
                executable: try context.tool(named: "SkillEmbedder").url,
                arguments: [output.path, root.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }
}
