import Foundation
import PackagePlugin

/// Compiles `docs/openapi.json` into the OpenKoiServer module (served at `/api/v1/openapi.json`),
/// so the repository keeps one copy of the API's document (see SkillEmbedder).
@main
struct EmbedOpenAPI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL.appending(path: "docs")
        let document = root.appending(path: "openapi.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "OpenAPIDocumentSource.swift")
        return [
            .buildCommand(
                displayName: "Embedding docs/openapi.json",
                executable: try context.tool(named: "SkillEmbedder").url,
                arguments: ["--enum", "OpenAPIDocumentSource", output.path, root.path, document.path],
                inputFiles: [document],
                outputFiles: [output])
        ]
    }
}
