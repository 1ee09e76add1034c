import OpenKoiMemory
import ArgumentParser

/// Prints `error: message` and returns the exit code to throw.
func reportedError(_ message: String, code: Int32 = 1) -> ExitCode {
    StandardStreams.err("error: \(TerminalText.escaped(message))\n")
    return ExitCode(code)
}

extension BlockingRunner {
    /// Runs memory-store work from a synchronous command. An error that is not the store's own (a
    /// directory that cannot be made) is reported against the database file at `path`.
    static func storeWork<Value: Sendable>(path: String, _ work: @escaping @Sendable () async throws -> Value)
        -> Result<Value, StoreError>
    {
        run {
            do {
                return .success(try await work())
            } catch let error as StoreError {
                return .failure(error)
            } catch {
                return .failure(StoreError(.sqlite, path: path, message: "\(error)"))
            }
        }
    }
}
