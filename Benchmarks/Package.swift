// swift-tools-version: 6.1
import PackageDescription

/// Performance benchmarks (DESIGN.md §4), kept in their own package so the main build and CI
/// never compile package-benchmark. Run from this folder: `swift package benchmark`.
let package = Package(
    name: "OpenKoiBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Only the malloc interposer: the default RuntimeInterposer trait pulls a package this
        // machine's mirror does not carry, and the ARC metrics it backs are not measured here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "openkoi", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "PipelineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OpenKoiCore", package: "openkoi"),
                .product(name: "OpenKoiTesting", package: "openkoi"),
            ],
            path: "PipelineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain executable, not package-benchmark: it reports medians of its own loops, a cold
        // start in a fresh process and a recall-quality table (embedding/README.md).
        .executableTarget(
            name: "EmbeddingBenchmarks",
            dependencies: [
                .product(name: "OpenKoiCore", package: "openkoi"), .product(name: "OpenKoiMemory", package: "openkoi"),
            ],
            path: "embedding",
            exclude: ["README.md", "run.sh"]
        ),
        // A plain executable: what `openkoi bench` adds per trial beyond the pipeline (workspace,
        // probe, grading, one SQLite commit), with a zero-latency model.
        .executableTarget(
            name: "BenchOverhead",
            dependencies: [
                .product(name: "OpenKoiBench", package: "openkoi"), .product(name: "OpenKoiCore", package: "openkoi"),
                .product(name: "OpenKoiTesting", package: "openkoi"),
                .product(name: "OpenKoiTools", package: "openkoi"),
            ],
            path: "bench-overhead"
        ),
    ]
)
