import FoundationEssentials
import OpenKoiCore
import OpenKoiMemory

#if canImport(Glibc)
    import Glibc
#endif

/// The offline embedder and vector search, measured (README.md in this folder has the numbers).
///
///   EmbeddingBenchmarks            latency, search and recall quality
///   EmbeddingBenchmarks --cold     in this fresh process: the first embedding (load included), a second
///   EmbeddingBenchmarks --cold-preload   in this fresh process: preload(), then the first embedding
///   EmbeddingBenchmarks --quality  only the recall-quality table
let arguments = Set(CommandLine.arguments.dropFirst())
let directory = LocalEmbedder.defaultDirectory(environment: ProcessInfo.processInfo.environment)
guard LocalEmbedder.isInstalled(at: directory) else {
    _ = FileDescriptorIO.writeAll(2, Array("no model in \(directory): run scripts/embedder/install.sh\n".utf8))
    exit(1)
}
let clock = ContinuousClock()
let embedder = LocalEmbedder(directory: directory)

if arguments.contains("--cold") {
    // The first embedding straight away, as a recall does it without a preload, then a second.
    let start = clock.now
    _ = try embedder.embedBlocking([RecallPairs.taskLengthTexts[0]])
    let first = clock.now
    _ = try embedder.embedBlocking([RecallPairs.taskLengthTexts[1]])
    print([first - start, clock.now - first].map { fixed(milliseconds($0)) }.joined(separator: " "))
    exit(0)
}
if arguments.contains("--cold-preload") {
    // preload() first, as at start-up, then the first embedding.
    let start = clock.now
    try embedder.preloadBlocking()
    let loaded = clock.now
    _ = try embedder.embedBlocking([RecallPairs.taskLengthTexts[0]])
    print([loaded - start, clock.now - loaded].map { fixed(milliseconds($0)) }.joined(separator: " "))
    exit(0)
}

if let flag = CommandLine.arguments.firstIndex(of: "--recall-path") {
    // EmbeddingBenchmarks --recall-path DB [COUNT]: seeds DB with COUNT memories if it has none, then
    // (in a fresh process, run it again) measures one recall cold and warm.
    let rest = CommandLine.arguments.dropFirst(flag + 1)
    guard let path = rest.first else {
        _ = FileDescriptorIO.writeAll(2, Array("usage: --recall-path DB [COUNT]\n".utf8))
        exit(2)
    }
    if !FileManager.default.fileExists(atPath: path) {
        let count = rest.dropFirst().first.flatMap { Int($0) } ?? 10_000
        try await RecallPath.seed(path: path, count: count)
        print("seeded \(path) with \(count) tasks and \(count / 2) lessons; run again to measure")
        exit(0)
    }
    let (cold, warm, found) = await RecallPath.measure(path: path, embedder: embedder)
    print("recall path: cold \(fixed(cold)) ms, warm median \(fixed(warm)) ms (\(found) recalled)")
    exit(0)
}

print("kernels: \(VectorKernels.implementation); model: \(directory)")
if !arguments.contains("--quality") {
    try measureLatency()
    try measureSearch()
}
try measureQuality()

func measureLatency() throws {
    let texts = RecallPairs.taskLengthTexts
    let tokens = try texts.map { Double(try embedder.tokenIDs($0).count) }
    let words = texts.map { Double($0.split(separator: " ").count) }
    print(
        "\n(a) embedding latency, \(texts.count) texts of \(Int(quantile(words, 0)))–\(Int(quantile(words, 1))) words")
    print("    (median \(Int(quantile(tokens, 0.5))) tokens, \(Int(quantile(tokens, 0)))–\(Int(quantile(tokens, 1))))")
    _ = try embedder.embedBlocking(Array(texts.prefix(16)))  // warm: page in the weights, size the scratch
    // The two settings alternate text by text, so a change in the machine's load hits both alike.
    var single: [Int: [Double]] = [1: [], 2: []]
    var batch: [Int: [Double]] = [1: [], 2: []]
    for round in 0..<(3 * texts.count) {
        for threads in round % 2 == 0 ? [1, 2] : [2, 1] {
            VectorKernels.limitThreads(to: threads)
            let start = clock.now
            _ = try embedder.embedBlocking([texts[round % texts.count]])
            single[threads, default: []].append(milliseconds(clock.now - start))
        }
    }
    for round in 0..<20 {
        for threads in round % 2 == 0 ? [1, 2] : [2, 1] {
            VectorKernels.limitThreads(to: threads)
            let start = clock.now
            _ = try embedder.embedBlocking((0..<16).map { texts[(round * 16 + $0) % texts.count] })
            batch[threads, default: []].append(milliseconds(clock.now - start))
        }
    }
    for threads in [2, 1] {
        let perText = (batch[threads] ?? []).map { $0 / 16 }
        print("    \(threads) thread(s): one text  \(summary(single[threads] ?? []))")
        print("                 batch of 16, per text \(summary(perText))")
    }
    VectorKernels.limitThreads(to: 2)
}

func measureSearch() throws {
    let dimension = 384
    var random = SplitMix(state: 7)
    print("\n(b) top-10 search, \(dimension)-d random vectors, 100 queries")
    for count in [10_000, 100_000] {
        var index = VectorIndex(dimension: dimension)
        index.reserveCapacity(count)
        let loadStart = clock.now
        for id in 0..<count {
            try index.add(id: Int64(id), vector: (0..<dimension).map { _ in random.nextGaussian() })
        }
        print(
            "    \(count) rows added in \(fixed(milliseconds(clock.now - loadStart))) ms (random vectors generated inline)"
        )
        let queries = (0..<100).map { _ in (0..<dimension).map { _ in random.nextGaussian() } }
        for threads in [2, 1] {
            VectorKernels.limitThreads(to: threads)
            _ = try index.topK(query: queries[0], k: 10)
            var times: [Double] = []
            for query in queries {
                let start = clock.now
                let top = try index.topK(query: query, k: 10)
                times.append(milliseconds(clock.now - start))
                precondition(top.count == 10)
            }
            print("    \(count) rows, \(threads) thread(s): \(summary(times))")
        }
    }
    VectorKernels.limitThreads(to: 2)
}

func measureQuality() throws {
    let related = RecallPairs.related
    let texts = RecallPairs.allTexts
    let vectors = try embedder.embedBlocking(texts)
    func cosine(_ a: [Float], _ b: [Float]) -> Double { Double(zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }) }
    let n = related.count
    let relatedCosines = (0..<n).map { cosine(vectors[$0], vectors[n + $0]) }
    let unrelatedCosines = RecallPairs.unrelated.indices.map {
        cosine(vectors[2 * n + 2 * $0], vectors[2 * n + 2 * $0 + 1])
    }
    // Each related text asks for its partner among every other text of the set (79 candidates).
    var ranks: [Int] = []
    for query in 0..<(2 * n) {
        let partner = query < n ? query + n : query - n
        var index = VectorIndex(dimension: 384)
        for (id, vector) in vectors.enumerated() where id != query { try index.add(id: Int64(id), vector: vector) }
        let order = try index.topK(query: vectors[query], k: vectors.count).map(\.id)
        ranks.append((order.firstIndex(of: Int64(partner)) ?? order.count) + 1)
    }
    let mean = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
    print("\n(c) recall quality: \(n) related pairs, \(unrelatedCosines.count) unrelated pairs")
    print("    mean cosine related \(fixed(mean(relatedCosines), 3)) (min \(fixed(relatedCosines.min() ?? 0, 3)))")
    print(
        "    mean cosine unrelated \(fixed(mean(unrelatedCosines), 3)) (max \(fixed(unrelatedCosines.max() ?? 0, 3)))")
    let atOne = ranks.filter { $0 == 1 }.count
    let atThree = ranks.filter { $0 <= 3 }.count
    print("    partner rank among \(texts.count - 1) candidates, \(ranks.count) queries (both halves of each pair):")
    print(
        "    recall@1 \(atOne)/\(ranks.count) = \(fixed(Double(atOne) / Double(ranks.count), 3)), "
            + "recall@3 \(atThree)/\(ranks.count) = \(fixed(Double(atThree) / Double(ranks.count), 3))")
    print("    ranks: \(ranks.map(String.init).joined(separator: " "))")
    for (query, rank) in ranks.enumerated() where rank > 1 {
        let pair = related[query % n]
        let (asked, wanted) = query < n ? (pair.0, pair.1) : (pair.1, pair.0)
        print("    rank \(rank): \"\(asked)\" → \"\(wanted)\"")
    }
}
