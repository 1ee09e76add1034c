import FoundationEssentials
import OpenKoiCore

/// github.com's device flow, api.github.com's Copilot token exchange and api.githubcopilot.com's chat
/// API on one 127.0.0.1 port, each answering from its own script; every request is recorded.
///
/// The token exchange names this server as the API host (`endpoints.api`), so a provider pointed at
/// `rootURL` for GitHub finds the chat endpoint the way it would in production. Chat and model calls
/// must carry one of the session tokens the exchange issued, or they get Copilot's 401.
public final class FakeGitHubServer: Sendable {
    /// An answer to one poll of `POST /login/oauth/access_token`.
    public enum Poll: Sendable {
        case pending
        /// `slow_down`, with the new interval GitHub asks for (or none).
        case slowDown(interval: Int?)
        case expired
        case denied
        /// Any other device-flow error, e.g. `incorrect_client_credentials`.
        case error(String)
        /// The user approved: the GitHub token.
        case token(String)
        case raw(ScriptedResponse)
    }

    /// An answer to one `GET /copilot_internal/v2/token`.
    public enum Exchange: Sendable {
        /// A session token; `expiresAt` in Unix seconds, left out of the answer when `nil`.
        case session(token: String, expiresAt: Int?)
        /// A GitHub error status with its JSON message (401 revoked token, 403 no Copilot seat).
        case status(Int)
        case raw(ScriptedResponse)
    }

    public static let deviceCode = "dc-3584d83530557fdd1f46af8289938c8ef79f9dc5"
    public static let userCode = "WDJB-MJHT"

    public let http: LoopbackHTTPServer
    private let polls: LockedValue<[Poll]>
    private let exchanges: LockedValue<[Exchange]>
    private let chat: LockedValue<[ScriptedResponse]>
    private let issued: LockedValue<Set<String>>

    /// - Parameters:
    ///   - interval: the polling interval the device-code answer names (`nil` leaves it out).
    ///   - expiresIn: the code's lifetime the device-code answer names (`nil` leaves it out).
    ///   - polls: answers to the device flow's polls, in order; `expired_token` once they run out.
    ///   - exchanges: answers to the token exchange, in order; a 500 once they run out.
    ///   - chat: answers to `POST /chat/completions`, in order; a 500 once they run out.
    ///   - models: the entries of `GET /models`.
    public init(
        interval: Int? = 5, expiresIn: Int? = 900, polls: [Poll] = [], exchanges: [Exchange] = [],
        chat: [FakeOpenAIServer.Reply] = [], models: [CopilotFixtures.ListedModel] = CopilotFixtures.models
    ) throws {
        let polls = LockedValue(polls)
        let exchanges = LockedValue(exchanges)
        let chat = LockedValue(chat.map(FakeOpenAIServer.response))
        let issued = LockedValue<Set<String>>([])
        let root = LockedValue("")
        self.polls = polls
        self.exchanges = exchanges
        self.chat = chat
        self.issued = issued
        http = try LoopbackHTTPServer { request in
            let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
            switch (request.method, path) {
            case ("POST", "/login/device/code"):
                return .json(
                    CopilotFixtures.deviceCode(
                        deviceCode: Self.deviceCode, userCode: Self.userCode,
                        verificationURI: root.value + "/login/device", expiresIn: expiresIn, interval: interval))
            case ("POST", "/login/oauth/access_token"):
                return Self.response(polls.withLock { $0.isEmpty ? .expired : $0.removeFirst() })
            case ("GET", "/copilot_internal/v2/token"):
                let next = exchanges.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                if case .session(let token, _)? = next { issued.withLock { _ = $0.insert(token) } }
                return Self.response(next, apiBase: root.value)
            case ("POST", "/chat/completions"):
                guard Self.isIssued(request, issued) else { return Self.unauthorized }
                return chat.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                    ?? .json(status: 500, OpenAIFixtures.error(message: "no scripted reply left", type: "server_error"))
            case ("GET", "/models"):
                guard Self.isIssued(request, issued) else { return Self.unauthorized }
                return .json(CopilotFixtures.modelList(models))
            default:
                return .json(status: 404, #"{"message":"Not Found: \#(request.method) \#(path)"}"#)
            }
        }
        root.withLock { $0 = http.baseURL }
    }

    /// `http://127.0.0.1:<port>`: the base for github.com, api.github.com and (via the exchange) the API.
    public var rootURL: String { http.baseURL }

    /// Adds answers for later chat requests.
    public func enqueueChat(_ replies: [FakeOpenAIServer.Reply]) {
        chat.withLock { $0 += replies.map(FakeOpenAIServer.response) }
    }

    /// Adds answers for later token exchanges.
    public func enqueueExchanges(_ replies: [Exchange]) {
        exchanges.withLock { $0 += replies }
    }

    /// Makes the API refuse `token` from now on, as after a revocation or an early expiry.
    public func revoke(_ token: String) {
        issued.withLock { _ = $0.remove(token) }
    }

    /// Requests received for `path` (query ignored), in arrival order.
    public func requests(to path: String) async -> [RecordedRequest] {
        await http.requests.filter { $0.path.split(separator: "?").first.map(String.init) == path }
    }

    /// How many token exchanges were asked for.
    public var exchangeCount: Int {
        get async { await requests(to: "/copilot_internal/v2/token").count }
    }

    public func shutdown() { http.shutdown() }

    /// The fields of an `application/x-www-form-urlencoded` body (last value wins).
    public static func formFields(_ request: RecordedRequest) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in request.bodyText.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            fields[percentDecoded(parts[0])] = parts.count > 1 ? percentDecoded(parts[1]) : ""
        }
        return fields
    }

    private static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let digits = [iterator.next(), iterator.next()].compactMap { $0 }
                if digits.count == 2, let value = UInt8(String(decoding: digits, as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes += [UInt8(ascii: "%")] + digits
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let unauthorized = ScriptedResponse.full(
        status: 401, headers: [("Content-Type", "text/plain; charset=utf-8")], text: CopilotFixtures.tokenExpired)

    private static func isIssued(_ request: RecordedRequest, _ issued: LockedValue<Set<String>>) -> Bool {
        guard let header = request.header("authorization"), header.hasPrefix("Bearer ") else { return false }
        let token = String(header.dropFirst("Bearer ".count))
        return issued.withLock { $0.contains(token) }
    }

    private static func response(_ poll: Poll) -> ScriptedResponse {
        switch poll {
        case .pending: return .json(CopilotFixtures.authorizationPending)
        case .slowDown(let interval): return .json(CopilotFixtures.slowDown(interval: interval))
        case .expired: return .json(CopilotFixtures.expiredToken)
        case .denied: return .json(CopilotFixtures.accessDenied)
        case .error(let code): return .json(CopilotFixtures.deviceFlowError(code, description: "Scripted \(code)."))
        case .token(let token): return .json(CopilotFixtures.accessToken(token))
        case .raw(let response): return response
        }
    }

    private static func response(_ exchange: Exchange?, apiBase: String) -> ScriptedResponse {
        switch exchange {
        case .session(let token, let expiresAt)?:
            return .json(CopilotFixtures.session(token: token, expiresAt: expiresAt, apiBase: apiBase))
        case .status(let status)?:
            return .json(status: status, CopilotFixtures.noSubscription)
        case .raw(let response)?:
            return response
        case nil:
            return .json(status: 500, #"{"message":"no scripted token exchange left"}"#)
        }
    }
}
