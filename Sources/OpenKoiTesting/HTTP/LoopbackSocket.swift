#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import OpenKoiCore

/// Thin POSIX socket calls for `LoopbackHTTPServer`; blocking, so used on its own threads only.
struct LoopbackSocket: Sendable {
    let fd: Int32

    #if canImport(Darwin)
        private static let sendFlags: Int32 = 0
    #else
        // A client that hangs up mid-response must not kill the test process with SIGPIPE.
        private static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif

    /// A listening TCP socket on 127.0.0.1 at `port` (0: any free port).
    static func listening(port: UInt16 = 0, backlog: Int32 = 128) throws -> LoopbackSocket {
        let socket = try open()
        var yes: Int32 = 1
        setsockopt(socket.fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket.fd, backlog) == 0 else {
            let error = LoopbackHTTPServerError.system("bind/listen on 127.0.0.1:\(port)")
            socket.close()
            throw error
        }
        return socket
    }

    /// Bound to a free port on 127.0.0.1 and never listening: connecting to it is refused, and the
    /// kernel gives the port to no other socket asking for any free one while this one is open. A
    /// server that asks for it by number with SO_REUSEADDR (ours, Python's `http.server`) still may.
    static func reserved() throws -> LoopbackSocket {
        let socket = try open()
        var yes: Int32 = 1
        setsockopt(socket.fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            socket.close()
            throw LoopbackHTTPServerError.system("bind on 127.0.0.1:0")
        }
        return socket
    }

    private static func open() throws -> LoopbackSocket {
        #if canImport(Darwin)
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #else
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard fd >= 0 else { throw LoopbackHTTPServerError.system("socket") }
        return LoopbackSocket(fd: fd)
    }

    /// The bound port, read back from the kernel.
    func localPort() throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw LoopbackHTTPServerError.system("getsockname") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Waits for a connection; `nil` once the listener has been shut down.
    func accept() -> LoopbackSocket? {
        while true {
            let client = acceptDescriptor(fd)
            if client >= 0 {
                // Child processes that tests spawn must not inherit (and keep open) client connections.
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                var yes: Int32 = 1
                // Streamed test chunks are tiny; Nagle's algorithm would hold them back.
                setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                return LoopbackSocket(fd: client)
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO: continue
            default: return nil
            }
        }
    }

    /// Reads what is available (blocking until something is); `nil` at end of stream or on error.
    func read(into buffer: inout [UInt8], max: Int = 64 << 10) -> Int? {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: max))
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return -1 }
                return recv(fd, base + start, max, 0)
            }
            if count < 0, errno == EINTR { continue }
            buffer.removeLast(max - Swift.max(count, 0))
            return count > 0 ? count : nil
        }
    }

    /// Sends all of `bytes`; false once the client is gone.
    func write(_ bytes: some Collection<UInt8>) -> Bool {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let sent = array.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return -1 }
                return send(fd, base + offset, array.count - offset, Self.sendFlags)
            }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Waits up to `milliseconds` (-1: forever) for the client to hang up. Returns true if it did (or the
    /// server shut the socket down); data the client sends meanwhile is discarded.
    func waitForHangUp(milliseconds: Int) -> Bool {
        let deadline = milliseconds < 0 ? nil : ContinuousClock.now + .milliseconds(milliseconds)
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = ContinuousClock.now.duration(to: deadline)
                let (seconds, attoseconds) = left.components
                timeout = left > .zero ? Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1) : 0
            }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, timeout)
            if ready < 0, errno == EINTR { continue }
            if ready < 0 { return true }
            if ready == 0 {
                if let deadline, ContinuousClock.now >= deadline { return false }
                continue
            }
            let count = scratch.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return -1 }
                return recv(fd, base, raw.count, 0)
            }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return true }
        }
    }

    /// Closes after the client has read the response: closing with unread input would send a reset that
    /// can destroy the response still in flight.
    func closeGracefully() {
        shutdown(fd, Int32(SHUT_WR))
        _ = waitForHangUp(milliseconds: 2000)
    }

    func close() { closeDescriptor(fd) }

    /// Wakes every thread blocked on this socket; the owner still closes it.
    func interrupt() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}

// Inside `LoopbackSocket` these names would mean its own methods.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }
private func acceptDescriptor(_ fd: Int32) -> Int32 { accept(fd, nil, nil) }

/// A failure starting `LoopbackHTTPServer`.
public struct LoopbackHTTPServerError: Error, CustomStringConvertible {
    public var description: String

    static func system(_ call: String) -> LoopbackHTTPServerError {
        LoopbackHTTPServerError(description: "\(call) failed: \(String(cString: strerror(errno)))")
    }
}
