import OpenKoiCore

/// The environment for commands that run model-written code (`run_command`, test runs, parse
/// checks): the inherited one minus credentials, so such code cannot read the user's API keys
/// and tokens (and echo them into the transcript).
public enum CommandEnvironment {
    public static func withoutSecrets(_ environment: [String: String] = Subprocess.inheritedEnvironment) -> [String:
        String]
    {
        environment.filter { !isSecret($0.key) }
    }

    static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        let markers = ["API_KEY", "APIKEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE_KEY"]
        return markers.contains { upper.contains($0) }
    }
}
