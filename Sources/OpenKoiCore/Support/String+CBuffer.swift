extension String {
    /// The text of a C buffer up to its first NUL (or its end), decoded as UTF-8 with repair:
    /// what C APIs (dlerror, gethostname, libpq) write into a caller's `[CChar]`.
    package init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
