#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The WordPiece vocabulary: an open-addressing hash table over the tokens' UTF-8 bytes.
///
/// Bytes, not `String` keys, for two reasons. Speed: building a `[String: Int32]` of 30,522
/// entries costs ~4 ms of String hashing on the task-start path, this ~1 ms. And exactness:
/// `String` equality is canonical equivalence, so "é" and "e\u{301}" would be one key, where
/// the reference tokenizer compares bytes.
struct Vocabulary: Sendable {
    /// Every token's bytes, back to back; entry `i` is `bytes[starts[i]..<starts[i + 1]]`.
    private var bytes: [UInt8] = []
    private var starts: [Int32] = [0]
    private var ids: [Int32] = []
    /// Entry index + 1 per slot, 0 when empty; the count is a power of two, at most half full.
    private var slots: [Int32] = Array(repeating: 0, count: 64)

    var count: Int { ids.count }
    var largestID: Int32 { ids.max() ?? 0 }

    init() {}

    init(reservingCapacity capacity: Int) {
        var size = 64
        while size < 2 * capacity { size *= 2 }
        slots = Array(repeating: 0, count: size)
        ids.reserveCapacity(capacity)
        starts.reserveCapacity(capacity + 1)
        bytes.reserveCapacity(capacity * 8)
    }

    /// Adds `token`, or gives it the new id if present (a JSON object's last duplicate wins).
    mutating func insert(_ token: UnsafeBufferPointer<UInt8>, id: Int32) {
        if 2 * (ids.count + 1) > slots.count { grow() }
        let slot = probe(token, hash: Self.hash(token))
        if slots[slot] != 0 {
            ids[Int(slots[slot]) - 1] = id
            return
        }
        bytes.append(contentsOf: token)
        starts.append(Int32(bytes.count))
        ids.append(id)
        slots[slot] = Int32(ids.count)
    }

    func id(of token: UnsafeBufferPointer<UInt8>) -> Int32? {
        let slot = probe(token, hash: Self.hash(token))
        return slots[slot] == 0 ? nil : ids[Int(slots[slot]) - 1]
    }

    func id(of token: String) -> Int32? {
        var token = token
        return token.withUTF8 { id(of: $0) }
    }

    /// The slot holding `token`, or the empty slot where it would go (linear probing).
    private func probe(_ token: UnsafeBufferPointer<UInt8>, hash: Int) -> Int {
        let mask = slots.count - 1
        var slot = hash & mask
        return bytes.withUnsafeBufferPointer { all in
            slots.withUnsafeBufferPointer { slots in
                while slots[slot] != 0 {
                    let entry = Int(slots[slot]) - 1
                    let start = Int(starts[entry])
                    if Int(starts[entry + 1]) - start == token.count, Self.same(all, at: start, token) { return slot }
                    slot = (slot + 1) & mask
                }
                return slot
            }
        }
    }

    private static func same(_ all: UnsafeBufferPointer<UInt8>, at start: Int, _ token: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard let stored = all.baseAddress, let wanted = token.baseAddress else { return token.isEmpty }
        return memcmp(stored + start, wanted, token.count) == 0
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in 0..<ids.count {
            let start = Int(starts[entry])
            let end = Int(starts[entry + 1])
            var slot =
                bytes.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[start..<end])) } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry + 1)
        }
    }

    /// FNV-1a, folded: tokens are short (6–7 bytes on average), so a per-byte hash is cheap.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }
}
