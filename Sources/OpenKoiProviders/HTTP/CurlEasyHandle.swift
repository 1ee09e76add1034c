import CCurlShim
import FoundationEssentials
import OpenKoiCore

/// A curl easy handle configured for one request.
///
/// Created, performed and freed on the transfer's own thread, so it needs no synchronisation.
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// curl writes its detailed reason ("Failed to connect to … port …") here; it must outlive `perform`.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// - Parameter transfer: receives the header and body callbacks; the caller keeps it alive while
    ///   the handle is performed.
    init(request: HTTPRequest, transfer: CurlTransfer) throws {
        guard let raw = okc_easy_init() else {
            throw ProviderError(.transport, provider: "", message: "libcurl could not create a transfer handle")
        }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        try configure(request, transfer: transfer)
    }

    deinit {
        okc_easy_cleanup(raw)
        okc_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// curl's explanation of the last failure, or "" when it gave none.
    var errorText: String { String(cString: errorBuffer) }

    var responseCode: Int {
        var code = 0
        _ = okc_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    private func configure(_ request: HTTPRequest, transfer: CurlTransfer) throws {
        try set(CURLOPT_URL, request.url)
        // Keeps a redirect or a typo from reaching file://, smb:// and the other protocols curl speaks.
        _ = okc_easy_setopt_str(raw, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = okc_easy_setopt_str(raw, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Signals (curl's DNS timeout) are unsafe in a multithreaded process.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        // A redirect from a model API is a misconfiguration to report, not to follow with our API key.
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        // Long SSE streams can idle for minutes while a model thinks; keepalives stop NATs dropping them.
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, request.timeout.map(Self.milliseconds) ?? 0)
        try check(okc_easy_setopt_ptr(raw, CURLOPT_ERRORBUFFER, errorBuffer))

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(okc_easy_setopt_ptr(raw, CURLOPT_HEADERDATA, context))
        try check(okc_easy_setopt_ptr(raw, CURLOPT_WRITEDATA, context))
        try check(
            okc_easy_setopt_write_func(raw, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
                return transfer.receiveHeaderLine(bytes) ? size * count : 0
            })
        try check(
            okc_easy_setopt_write_func(raw, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
                return transfer.receiveBody(bytes) ? size * count : 0
            })

        try configureMethod(request)
        try configureHeaders(request)
    }

    private func configureMethod(_ request: HTTPRequest) throws {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw Self.invalidRequest("method \"\(request.method)\" is not an HTTP token")
        }
        switch (method, request.body) {
        case ("GET", nil):
            try set(CURLOPT_HTTPGET, 1)
        case ("HEAD", nil):
            try set(CURLOPT_NOBODY, 1)
        default:
            if let body = request.body ?? (method == "POST" ? Data() : nil) {
                // The size goes first so COPYPOSTFIELDS copies binary data instead of stopping at a NUL.
                try set(CURLOPT_POSTFIELDSIZE, body.count)
                try body.withUnsafeBytes { bytes in
                    // curl copies the bytes; an empty body still needs a valid pointer.
                    let empty: StaticString = ""
                    let pointer = bytes.baseAddress ?? UnsafeRawPointer(empty.utf8Start)
                    let mutable = UnsafeMutableRawPointer(mutating: pointer)
                    try check(okc_easy_setopt_ptr(raw, CURLOPT_COPYPOSTFIELDS, mutable))
                }
            }
            if method != "POST" || request.body == nil { try set(CURLOPT_CUSTOMREQUEST, method) }
        }
    }

    private func configureHeaders(_ request: HTTPRequest) throws {
        var lines: [String] = []
        for (name, value) in request.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw Self.invalidRequest("header name \"\(name)\" is not an HTTP token")
            }
            // Never echo the value: headers carry API keys.
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw Self.invalidRequest("the value of header \(name) contains a line break")
            }
            // curl reads "Name:" as "remove this header"; "Name;" sends it with an empty value.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        let given = Set(request.headers.map { $0.name.lowercased() })
        // curl would otherwise wait up to a second for "100 Continue" before sending a large body,
        // and label every body as a form.
        if !given.contains("expect") { lines.append("Expect:") }
        if request.body != nil, !given.contains("content-type") { lines.append("Content-Type:") }

        for line in lines {
            guard let appended = okc_slist_append(headerList, line) else {
                throw ProviderError(.transport, provider: "", message: "out of memory building request headers")
            }
            headerList = appended
        }
        if let headerList { try check(okc_easy_setopt_ptr(raw, CURLOPT_HTTPHEADER, headerList)) }
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(okc_easy_setopt_long(raw, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        try check(okc_easy_setopt_str(raw, option, value))
    }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else {
            throw CurlLibrary.error(for: code, detail: "", host: "(not connected)")
        }
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func invalidRequest(_ reason: String) -> ProviderError {
        // Not `.transport`: the same request would fail again, so it must not be retried.
        ProviderError(.notConfigured, provider: "", message: "invalid HTTP request: \(reason)")
    }
}
