/// HMAC-SHA256 (RFC 2104), the keyed hash SigV4 derives its signing key and signature with.
public enum HMACSHA256 {
    private static let blockSize = 64

    /// The 32-byte MAC of `message` under `key`.
    public static func authenticationCode<Key: Collection<UInt8>, Message: Collection<UInt8>>(
        for message: Message, key: Key
    ) -> [UInt8] {
        // A key longer than a block is replaced by its hash; a shorter one is padded with zeros.
        var block = key.count > blockSize ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = SHA256.hash(block.map { $0 ^ 0x36 } + Array(message))
        return SHA256.hash(block.map { $0 ^ 0x5c } + inner)
    }
}
