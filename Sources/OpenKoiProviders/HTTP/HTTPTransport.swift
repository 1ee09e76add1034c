import FoundationEssentials
import OpenKoiCore

/// One HTTP request. Bodies are small JSON documents, so they are held in memory.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header names as sent; duplicates allowed.
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// Whole-transfer limit in seconds (`nil` = none). Streaming answers can be long: keep it generous.
    public var timeout: Double?
    public var connectTimeout: Double
    /// The transfer stops with an error once the body exceeds this, so memory stays bounded whatever
    /// the server sends (README, "Limits").
    public var maxBodyBytes: Int

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeout: Double? = 600, connectTimeout: Double = 10, maxBodyBytes: Int = StreamLimits.maxBodyBytes
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
    }
}

public struct HTTPResponseHead: Sendable, Hashable {
    public var status: Int
    /// Header names lowercased; the last value wins.
    public var headers: [String: String]

    public init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = headers
    }
}

/// A response whose body arrives in chunks as the server sends them (SSE and NDJSON streams).
public struct HTTPStreamingResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: AsyncThrowingStream<Data, any Error>

    public init(head: HTTPResponseHead, body: AsyncThrowingStream<Data, any Error>) {
        self.head = head
        self.body = body
    }

    /// Reads the whole body (error responses, non-streamed answers).
    public func collectBody(limit: Int = 16 << 20) async throws -> Data {
        var data = Data()
        for try await chunk in body {
            data.append(chunk)
            if data.count > limit { break }
        }
        return data
    }
}

/// Sends HTTP requests. The production transport is libcurl (`CurlTransport`); tests may script one.
///
/// `send` returns once the response head has arrived. Cancelling the calling task aborts the transfer,
/// both while waiting for the head and while the body streams. Transport failures throw `ProviderError`
/// with kind `.transport` or `.timeout` (provider id left empty for the adapter to fill).
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPStreamingResponse
}
