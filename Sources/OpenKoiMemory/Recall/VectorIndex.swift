/// Placeholder until the SIMD index lands: contiguous rows, cosine by dot product of normalised rows.
public struct VectorIndex: Sendable {
    public let dimension: Int
    private(set) var ids: [Int64] = []
    private(set) var rows: [Float] = []

    public init(dimension: Int) { self.dimension = dimension }

    public var count: Int { ids.count }

    public mutating func add(id: Int64, vector: [Float]) {
        guard vector.count == dimension else { return }
        var norm: Float = 0
        for v in vector { norm += v * v }
        let scale = norm > 0 ? 1 / norm.squareRoot() : 0
        ids.append(id)
        rows.append(contentsOf: vector.map { $0 * scale })
    }

    public mutating func add(id: Int64, blob: [UInt8]) {
        add(id: id, vector: Self.vector(blob))
    }

    public func topK(query: [Float], k: Int) -> [(id: Int64, score: Float)] {
        guard query.count == dimension, k > 0 else { return [] }
        var norm: Float = 0
        for v in query { norm += v * v }
        let scale = norm > 0 ? 1 / norm.squareRoot() : 0
        var scored: [(id: Int64, score: Float)] = []
        for (index, id) in ids.enumerated() {
            var dot: Float = 0
            let base = index * dimension
            for j in 0..<dimension { dot += rows[base + j] * query[j] }
            scored.append((id, dot * scale))
        }
        return Array(scored.sorted { $0.score > $1.score }.prefix(k))
    }

    public static func blob(_ vector: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
        }
        return bytes
    }

    public static func vector(_ blob: [UInt8]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(blob.count / 4)
        var index = 0
        while index + 4 <= blob.count {
            let bits =
                UInt32(blob[index]) | UInt32(blob[index + 1]) << 8 | UInt32(blob[index + 2]) << 16
                | UInt32(blob[index + 3]) << 24
            out.append(Float(bitPattern: bits))
            index += 4
        }
        return out
    }
}
