import CCurlShim
import OpenKoiCore

/// libcurl as loaded at run time (see `CCurlShim.h` for why it is not linked).
enum CurlLibrary {
    /// Loads libcurl once per process; throws an error that tells the user what to install.
    static func load() throws {
        var reason = [CChar](repeating: 0, count: 512)
        guard okc_load(&reason, reason.count) != 0 else { return }
        let detail = String(nulTerminated: reason)
        throw ProviderError(
            .transport, provider: "",
            message: "HTTP needs libcurl, which could not be loaded (\(detail)). "
                + "Install it with `apt-get install libcurl4` (Debian/Ubuntu) or your system's libcurl package.")
    }

    /// Classifies a failed transfer.
    ///
    /// The message names curl's reason and the URL's host only: the request's headers carry API keys and
    /// some APIs put the key in the query string, so neither may appear in an error that gets logged.
    static func error(for code: CURLcode, detail: String, host: String) -> ProviderError {
        let reason = detail.isEmpty ? String(cString: okc_easy_strerror(code)) : detail
        let message = "\(reason) (host \(host), curl error \(code.rawValue))"
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return ProviderError(.timeout, provider: "", message: message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            // Retrying never fixes a bad base URL, so this is not `.transport` (which is retriable).
            return ProviderError(.notConfigured, provider: "", message: "invalid URL: \(message)")
        case CURLE_COULDNT_CONNECT where isLoopback(host):
            return ProviderError(
                .connectionRefused, provider: "",
                message: "nothing is listening on \(host) (connection refused); start the server there "
                    + "(scripts/local-model/start.sh for the bundled model, `ollama serve` for Ollama) "
                    + "or point the provider's base_url elsewhere")
        default:
            // Resolve/connect failures, resets, TLS errors, and bodies cut short (`CURLE_PARTIAL_FILE`).
            return ProviderError(.transport, provider: "", message: message)
        }
    }

    /// `127.x.x.x`, `localhost` or `[::1]`, with or without a port.
    static func isLoopback(_ host: String) -> Bool {
        let name =
            host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.prefix { $0 != ":" })
        return name.hasPrefix("127.") || name == "localhost" || name == "::1"
    }

    /// The host (and port) of `url`, without user info, path or query.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            rest = rest[rest.index(colon, offsetBy: 3)...]
        }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return rest.isEmpty ? "(none)" : String(rest)
    }
}
