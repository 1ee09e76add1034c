/// CRC-32 as IEEE 802.3 and zlib compute it (reflected polynomial 0xEDB88320), the checksum that
/// guards each AWS event-stream frame.
public enum CRC32 {
    /// The checksum of `bytes`, continuing from `initial` (the checksum of the bytes before them).
    public static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes, continuing initial: UInt32 = 0) -> UInt32 {
        var crc = ~initial
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8)
        }
        return ~crc
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }
}
