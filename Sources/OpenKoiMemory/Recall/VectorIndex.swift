import CVectorKernels

/// Every stored embedding in one contiguous Float32 matrix, searched by brute force.
///
/// Rows are L2-normalised when added, so a row's dot product with a normalised query is the
/// cosine similarity; one kernel call scores every row (memory-bound: 100k x 384 floats is
/// 154 MB read per query) and a k-element heap keeps the best without sorting the rest. At the
/// sizes a personal memory reaches (thousands to ~100k entries) this beats an approximate index
/// on both simplicity and recall, which is exact.
public struct VectorIndex: Sendable {
    public let dimension: Int
    /// Row `i` of the matrix belongs to `ids[i]`.
    public private(set) var ids: [Int64] = []
    private var rows: [Float] = []
    private var rowOf: [Int64: Int] = [:]

    public init(dimension: Int) {
        self.dimension = max(1, dimension)
    }

    /// Makes room for `count` vectors, for loading a known number of rows without regrowth.
    public mutating func reserveCapacity(_ count: Int) {
        ids.reserveCapacity(count)
        rows.reserveCapacity(count * dimension)
        rowOf.reserveCapacity(count)
    }

    public var count: Int { ids.count }
    public var isEmpty: Bool { ids.isEmpty }
    public func contains(id: Int64) -> Bool { rowOf[id] != nil }

    /// Adds `vector` under `id`, replacing the vector `id` had. A zero vector is stored as zeros
    /// (it scores 0 against everything).
    public mutating func add(id: Int64, vector: [Float]) throws {
        guard vector.count == dimension else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, got: vector.count, id: id)
        }
        try vector.withUnsafeBytes { bytes throws in
            try store(id: id) { row in row.copyMemory(from: bytes) }
        }
    }

    /// Adds a vector stored as little-endian float32 bytes (a `memory_embeddings.embedding` blob).
    public mutating func add(id: Int64, blob: some Collection<UInt8>) throws {
        guard blob.count == dimension * 4 else {
            throw VectorIndexError.blobSize(expected: dimension * 4, got: blob.count, id: id)
        }
        try add(id: id, vector: Self.vector(blob))
    }

    /// Adds a vector from little-endian float32 bytes read in place (a row of the database), copied
    /// straight into the matrix: loading ten thousand vectors is on a task's critical path.
    public mutating func add(id: Int64, bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == dimension * 4 else {
            throw VectorIndexError.blobSize(expected: dimension * 4, got: bytes.count, id: id)
        }
        try store(id: id) { row in
            #if _endian(little)
                row.copyMemory(from: bytes)
            #else
                for d in 0..<row.count / 4 {
                    let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: d * 4, as: UInt32.self))
                    row.storeBytes(of: Float(bitPattern: bits), toByteOffset: d * 4, as: Float.self)
                }
            #endif
        }
    }

    /// Writes `id`'s row with `fill` (which sets its `dimension` floats), checks it and normalises it
    /// in place. A new id's row is appended in one step; a row that is not finite is taken back out.
    private mutating func store(id: Int64, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        let dimension = self.dimension
        let existing = rowOf[id]
        let row = existing ?? ids.count
        let previous = existing.map { Array(rows[$0 * dimension..<($0 + 1) * dimension]) }
        if existing == nil { rows.append(contentsOf: repeatElement(0, count: dimension)) }
        let finite = try rows.withUnsafeMutableBufferPointer { matrix throws -> Bool in
            let values = UnsafeMutableBufferPointer(rebasing: matrix[row * dimension..<(row + 1) * dimension])
            try fill(UnsafeMutableRawBufferPointer(values))
            guard values.allSatisfy(\.isFinite) else { return false }
            let scale = Self.inverseNorm(UnsafeBufferPointer(values))
            for d in 0..<dimension { values[d] *= scale }
            return true
        }
        guard finite else {
            if let previous {
                rows.replaceSubrange(row * dimension..<(row + 1) * dimension, with: previous)
            } else {
                rows.removeLast(dimension)
            }
            throw VectorIndexError.notFinite(id: id)
        }
        if existing == nil {
            rowOf[id] = row
            ids.append(id)
        }
    }

    /// The floats of a little-endian float32 blob (a trailing partial float is ignored).
    public static func vector(_ blob: some Collection<UInt8>) -> [Float] {
        var vector: [Float] = []
        vector.reserveCapacity(blob.count / 4)
        var index = blob.startIndex
        for _ in 0..<(blob.count / 4) {
            var bits: UInt32 = 0
            for shift in stride(from: 0, to: 32, by: 8) {
                bits |= UInt32(blob[index]) << UInt32(shift)
                index = blob.index(after: index)
            }
            vector.append(Float(bitPattern: bits))
        }
        return vector
    }

    /// Removes `id`'s vector; false if it had none. The last row moves into the gap (O(dimension)).
    @discardableResult
    public mutating func remove(id: Int64) -> Bool {
        guard let row = rowOf.removeValue(forKey: id) else { return false }
        let last = ids.count - 1
        if row != last {
            let moved = ids[last]
            ids[row] = moved
            rowOf[moved] = row
            for d in 0..<dimension { rows[row * dimension + d] = rows[last * dimension + d] }
        }
        ids.removeLast()
        rows.removeLast(dimension)
        return true
    }

    /// The `k` rows most similar to `query` by cosine, best first (ties: the earlier-added row
    /// first). Fewer when the index holds fewer; none for a zero query, which points nowhere.
    public func topK(query: [Float], k: Int) throws -> [(id: Int64, score: Float)] {
        guard query.count == dimension else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, got: query.count, id: nil)
        }
        guard query.allSatisfy(\.isFinite) else { throw VectorIndexError.notFinite(id: nil) }
        let scale = query.withUnsafeBufferPointer(Self.inverseNorm)
        guard k > 0, !ids.isEmpty, scale > 0 else { return [] }
        let unit = query.map { $0 * scale }
        var scores = [Float](repeating: 0, count: ids.count)
        unit.withUnsafeBufferPointer { q in
            rows.withUnsafeBufferPointer { matrix in
                scores.withUnsafeMutableBufferPointer { out in
                    okv_dot_rows(q.baseAddress, matrix.baseAddress, ids.count, dimension, out.baseAddress)
                }
            }
        }
        var best = TopScores(capacity: min(k, ids.count))
        for (row, score) in scores.enumerated() { best.offer(row: row, score: score) }
        return best.sorted().map { (id: ids[$0.row], score: $0.score) }
    }

    /// Little-endian float32 bytes of `vector`, the layout `add(id:blob:)` reads.
    public static func blob(_ vector: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern
            for shift in stride(from: 0, to: 32, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift)))
            }
        }
        return bytes
    }

    /// 1 / |v|, or 0 for a zero vector.
    private static func inverseNorm(_ vector: UnsafeBufferPointer<Float>) -> Float {
        let squares = okv_dot(vector.baseAddress, vector.baseAddress, vector.count)
        return squares > 0 ? 1 / squares.squareRoot() : 0
    }
}

/// A min-heap of the best `capacity` (row, score) pairs seen: O(n log k) over n rows, and most
/// rows cost one comparison with the current worst.
private struct TopScores {
    struct Entry {
        let row: Int
        let score: Float
        /// Worse = lower score, or the same score on a later row (so ties keep insertion order).
        func isWorse(than other: Entry) -> Bool { score < other.score || (score == other.score && row > other.row) }
    }

    private var heap: [Entry] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    mutating func offer(row: Int, score: Float) {
        let entry = Entry(row: row, score: score)
        if heap.count < capacity {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else if let worst = heap.first, worst.isWorse(than: entry) {
            heap[0] = entry
            siftDown(0)
        }
    }

    func sorted() -> [Entry] { heap.sorted { $1.isWorse(than: $0) } }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].isWorse(than: heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var worst = parent
            let left = 2 * parent + 1
            if left < heap.count, heap[left].isWorse(than: heap[worst]) { worst = left }
            if left + 1 < heap.count, heap[left + 1].isWorse(than: heap[worst]) { worst = left + 1 }
            if worst == parent { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}

/// Why a vector could not go into (or be looked up in) a `VectorIndex`.
public struct VectorIndexError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    static func dimensionMismatch(expected: Int, got: Int, id: Int64?) -> Self {
        Self(
            description: "\(id.map { "embedding \($0)" } ?? "query") has \(got) dimensions, the index holds \(expected)"
        )
    }

    static func blobSize(expected: Int, got: Int, id: Int64) -> Self {
        Self(description: "embedding \(id) is \(got) bytes, expected \(expected) (\(expected / 4) float32 values)")
    }

    static func notFinite(id: Int64?) -> Self {
        Self(description: "\(id.map { "embedding \($0)" } ?? "query") contains NaN or infinity")
    }
}
