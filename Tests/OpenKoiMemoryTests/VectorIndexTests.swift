import Testing

@testable import OpenKoiMemory

struct VectorIndexTests {
    private func index(_ rows: [(Int64, [Float])]) throws -> VectorIndex {
        var index = VectorIndex(dimension: rows.first?.1.count ?? 3)
        for (id, vector) in rows { try index.add(id: id, vector: vector) }
        return index
    }

    @Test func ranksByCosineNotByLength() throws {
        let index = try index([(10, [1, 0, 0]), (20, [0, 5, 0]), (30, [3, 3, 0]), (40, [-1, 0, 0])])
        let top = try index.topK(query: [10, 1, 0], k: 3)
        #expect(top.map(\.id) == [10, 30, 20])
        #expect(abs(top[0].score - 10 / Float(101).squareRoot()) < 1e-6)
        #expect(abs(top[1].score - 11 / (Float(101).squareRoot() * Float(2).squareRoot())) < 1e-6)
        #expect(try index.topK(query: [-1, 0, 0], k: 1).map(\.id) == [40])
    }

    @Test func kBeyondTheCountGivesEveryRowInOrder() throws {
        let index = try index([(1, [0, 1, 0]), (2, [1, 0, 0]), (3, [1, 1, 0])])
        let top = try index.topK(query: [1, 0.1, 0], k: 10)
        #expect(top.map(\.id) == [2, 3, 1])
        #expect(top.map(\.score) == top.map(\.score).sorted(by: >))
    }

    @Test func emptyIndexZeroQueryAndZeroKFindNothing() throws {
        #expect(try VectorIndex(dimension: 4).topK(query: [1, 2, 3, 4], k: 5).isEmpty)
        let index = try index([(1, [1, 0, 0])])
        #expect(try index.topK(query: [0, 0, 0], k: 5).isEmpty)
        #expect(try index.topK(query: [1, 0, 0], k: 0).isEmpty)
    }

    @Test func wrongDimensionsAndNaNAreRefused() throws {
        var index = VectorIndex(dimension: 3)
        let add = try #require(throws: VectorIndexError.self) { try index.add(id: 7, vector: [1, 2]) }
        #expect(add.description == "embedding 7 has 2 dimensions, the index holds 3")
        let query = try #require(throws: VectorIndexError.self) { try index.topK(query: [1, 2, 3, 4], k: 1) }
        #expect(query.description == "query has 4 dimensions, the index holds 3")
        let nan = try #require(throws: VectorIndexError.self) { try index.add(id: 8, vector: [1, .nan, 0]) }
        #expect(nan.description == "embedding 8 contains NaN or infinity")
        #expect(index.isEmpty)
    }

    @Test func blobsAreLittleEndianFloat32() throws {
        #expect(VectorIndex.blob([1, -2]) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        var index = VectorIndex(dimension: 2)
        try index.add(id: 5, blob: VectorIndex.blob([3, 4]))
        let hit = try #require(try index.topK(query: [3, 4], k: 1).first)
        #expect(hit.id == 5)
        #expect(abs(hit.score - 1) < 1e-6)
        let short = try #require(throws: VectorIndexError.self) { try index.add(id: 6, blob: [0, 0, 0x80]) }
        #expect(short.description == "embedding 6 is 3 bytes, expected 8 (2 float32 values)")
        // a slice of a larger buffer (how SQLite rows arrive) works too
        let row: [UInt8] = [0xAA] + VectorIndex.blob([0, 1]) + [0xBB]
        try index.add(id: 7, blob: row[1..<9])
        #expect(try index.topK(query: [0, 1], k: 1).first?.id == 7)
    }

    /// The in-place load path (bytes straight from a database row, at an odd offset) reads the same
    /// floats as the blob path and refuses the same bad sizes.
    @Test func bytesReadInPlaceMatchTheBlobPath() throws {
        let vectors: [[Float]] = [[0.25, -1.5, 3], [1e-3, 2, -0.75], [0, 0, 1]]
        var fromBlobs = VectorIndex(dimension: 3)
        var fromBytes = VectorIndex(dimension: 3)
        for (id, vector) in vectors.enumerated() {
            try fromBlobs.add(id: Int64(id), blob: VectorIndex.blob(vector))
            let padded: [UInt8] = [0x01] + VectorIndex.blob(vector)
            try padded.withUnsafeBytes { raw in
                try fromBytes.add(id: Int64(id), bytes: UnsafeRawBufferPointer(rebasing: raw[1...]))
            }
        }
        for query in vectors {
            let a = try fromBlobs.topK(query: query, k: 3)
            let b = try fromBytes.topK(query: query, k: 3)
            #expect(a.map(\.id) == b.map(\.id) && zip(a, b).allSatisfy { $0.score == $1.score })
        }
        let short: [UInt8] = [0, 0, 0x80]
        let error = try short.withUnsafeBytes { raw in
            try #require(throws: VectorIndexError.self) { try fromBytes.add(id: 9, bytes: raw) }
        }
        #expect(error.description == "embedding 9 is 3 bytes, expected 12 (3 float32 values)")
    }

    @Test func removeAndReplaceKeepIdsAndRowsTogether() throws {
        var index = try index([(1, [1, 0, 0]), (2, [0, 1, 0]), (3, [0, 0, 1])])
        let removed = index.remove(id: 1)
        let removedAgain = index.remove(id: 1)
        #expect(removed)
        #expect(!removedAgain)
        #expect(index.count == 2)
        // row 3 moved into row 1's place; it must still answer for its own vector
        #expect(try index.topK(query: [0, 0, 1], k: 1).first?.id == 3)
        #expect(try index.topK(query: [1, 0, 0], k: 3).allSatisfy { $0.id != 1 })
        try index.add(id: 2, vector: [0, 0, -1])
        #expect(index.count == 2)
        #expect(try index.topK(query: [0, 0, -1], k: 1).first?.id == 2)
    }

    @Test func aRefusedReplacementKeepsTheOldVector() throws {
        var index = try index([(1, [1, 0, 0]), (2, [0, 1, 0])])
        #expect(throws: VectorIndexError.self) { try index.add(id: 1, vector: [.infinity, 0, 0]) }
        let bytes: [UInt8] = VectorIndex.blob([0, .nan, 1])
        #expect(throws: VectorIndexError.self) {
            try bytes.withUnsafeBytes { try index.add(id: 3, bytes: $0) }
        }
        #expect(index.count == 2)
        #expect(try index.topK(query: [1, 0, 0], k: 1).map(\.id) == [1])
        #expect(try index.topK(query: [1, 0, 0], k: 1).first?.score == 1)
    }

    /// Enough rows for the kernel's 4-row blocks, its tail and the two-thread split (2,731 x 384
    /// floats), with both kernel implementations; checked against a plain sort of the scores.
    @Test func agreesWithAFullSortOnManyRows() throws {
        var generator = SplitMix(seed: 42)
        let dimension = 384
        var index = VectorIndex(dimension: dimension)
        var rows: [[Float]] = []
        for id in 0..<2_731 {
            let vector = (0..<dimension).map { _ in generator.nextFloat() }
            rows.append(vector)
            try index.add(id: Int64(id), vector: vector)
        }
        let query = (0..<dimension).map { _ in generator.nextFloat() }
        func norm(_ v: [Float]) -> Double { v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        var scores: [(id: Int64, score: Double)] = []
        for (id, row) in rows.enumerated() {
            var dot = 0.0
            for d in 0..<dimension { dot += Double(row[d]) * Double(query[d]) }
            scores.append((Int64(id), dot / (norm(row) * norm(query))))
        }
        let expected = scores.sorted { $0.score > $1.score }.prefix(10)
        defer { VectorKernels.usePortable(false) }
        for portable in [false, true] {
            let using = VectorKernels.usePortable(portable)
            #expect(!portable || using == "portable")
            let top = try index.topK(query: query, k: 10)
            #expect(top.map(\.id) == expected.map(\.id), "portable: \(portable)")
            for (got, want) in zip(top, expected) { #expect(abs(Double(got.score) - want.score) < 1e-5) }
        }
    }
}

/// A small deterministic generator, so the test sees the same vectors every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
