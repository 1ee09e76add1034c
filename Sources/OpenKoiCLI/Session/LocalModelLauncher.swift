import FoundationEssentials
import OpenKoiCore
import OpenKoiTools

/// Starts the bundled local model on demand when it is installed but not running: the set-up
/// script's `start.sh` leaves a `launch-<port>.json` beside the model saying how to start it again.
/// Used only when no other provider is configured or found (the resolver decides).
struct LocalModelLauncher: Sendable {
    /// `${OPENKOI_MODEL_DIR:-$HOME/.cache/openkoi/models}`, as in `scripts/local-model/`.
    let modelDirectory: String
    /// Where the server's log goes (under the data dir).
    let logFile: String
    let port: Int
    let environment: [String: String]
    /// Whether progress lines go to stderr (not under `--quiet`/`--json`).
    let announce: Bool

    init(paths: OpenKoiPaths, environment: [String: String], localBaseURL: String, announce: Bool) {
        let home = environment["HOME"] ?? "/root"
        modelDirectory =
            environment["OPENKOI_MODEL_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.cache/openkoi/models"
        logFile = paths.dataDir + "/logs/local-model.log"
        port = Self.port(of: localBaseURL) ?? 8080
        self.environment = environment
        self.announce = announce
    }

    /// How to start the server, from the record `start.sh` left; `nil` when there is none.
    struct Launch: Sendable, Equatable {
        var script: String
        var arguments: [String]
        var model: String
    }

    var launch: Launch? {
        let path = modelDirectory + "/launch-\(port).json"
        guard let data = FileManager.default.contents(atPath: path),
            let json = JSONValue.parse(String(decoding: data, as: UTF8.self)),
            let script = json["start"]?.stringValue, FileManager.default.isExecutableFile(atPath: script)
        else { return nil }
        let arguments = (json["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        return Launch(script: script, arguments: arguments, model: json["model"]?.stringValue ?? "local model")
    }

    /// Starts the server and waits until it is healthy (`start.sh` returns then). Returns whether it is up.
    func start() async -> Bool {
        guard let launch else { return false }
        if announce {
            StandardStreams.err(
                "[local] starting the local model \(launch.model) on 127.0.0.1:\(port) (log: \(logFile))\n")
        }
        let started = ContinuousClock.now
        let arguments = [launch.script] + launch.arguments + ["--log", logFile]
        let result = try? await Subprocess(
            .argv(arguments), environment: CommandEnvironment.withoutSecrets(environment), timeout: 600,
            capture: .merged
        ).run()
        let ok = result?.exitCode == 0
        if announce {
            let seconds = Double(started.duration(to: .now).components.seconds)
            StandardStreams.err(
                ok
                    ? "[local] ready after \(NumberText.fixed(seconds, decimals: 0)) s\n"
                    : "[local] could not start the local model: \(TestOutputParser.tail(of: result?.output ?? "", lines: 3))\n"
            )
        }
        return ok
    }

    static func port(of url: String) -> Int? {
        guard let authority = url.split(separator: "://", maxSplits: 1).last?.split(separator: "/").first,
            let colon = authority.lastIndex(of: ":")
        else { return nil }
        return Int(authority[authority.index(after: colon)...])
    }
}
