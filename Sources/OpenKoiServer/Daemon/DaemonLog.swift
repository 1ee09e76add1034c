import FoundationEssentials
import OpenKoiCore

/// The daemon's log lines, on stderr (the log file when it runs in the background): one line each,
/// timestamped, never a secret (requests are logged by method, path and status only).
public enum DaemonLog {
    public static func info(_ message: String) { write("info", message) }
    public static func warning(_ message: String) { write("warn", message) }
    public static func error(_ message: String) { write("error", message) }

    static func write(_ level: String, _ message: String) {
        let line = "\(Date().ISO8601Format()) \(level) \(message)\n"
        _ = FileDescriptorIO.writeAll(2, Array(line.utf8))
    }
}
