// swift-tools-version: 6.1
import PackageDescription

/// Module layout follows ../shared/DESIGN.md §3: a dependency-free core, feature
/// libraries around it, and a thin executable.
let strictSwift: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

/// How the shipped binary is linked (release only; debug builds keep the toolchain's defaults).
/// Measured in Benchmarks/README.md: an idle daemon went from 25.5 to 19.2 MiB resident and
/// `--version` from 2.1 to 1.9 ms.
/// - lld, so that `hot-functions.txt` (Benchmarks/daemon/hot_functions.py) can lay the code start-up
///   and the daemon run side by side: spread over the whole .text, the kernel's 64 KiB fault-around
///   kept ~16 MiB of it resident. It only reorders functions with sections of their own, which
///   scripts/build-release.sh asks of every module.
/// - Packed relative relocations (glibc 2.36+): 1.7 MB of relocation records no longer read in at
///   every start.
/// - No exported symbols: the static stdlib's link file exports all 27k for in-process backtraces;
///   with the binary stripped they only cost start-up (the runtime's dladdr walks them).
let releaseLink: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/openkoi/hot-functions.txt",
            "-Xlinker", "--no-warn-symbol-ordering",
        ], .when(configuration: .release))
]

let package = Package(
    name: "openkoi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "openkoi", targets: ["openkoi"]),
        .library(name: "OpenKoiCore", targets: ["OpenKoiCore"]),
        .library(name: "OpenKoiProviders", targets: ["OpenKoiProviders"]),
        .library(name: "OpenKoiSkills", targets: ["OpenKoiSkills"]),
        .library(name: "OpenKoiMemory", targets: ["OpenKoiMemory"]),
        .library(name: "OpenKoiServer", targets: ["OpenKoiServer"]),
        .library(name: "OpenKoiBench", targets: ["OpenKoiBench"]),
        .library(name: "OpenKoiTools", targets: ["OpenKoiTools"]),
        .library(name: "OpenKoiTesting", targets: ["OpenKoiTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // No traits: the default ones pull full Foundation (ICU) and swift-configuration into the binary.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Already in Hummingbird's graph; named so the server can use their types directly.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libcurl is dlopen()ed on first HTTP use: linking it costs every start 4–8 ms (DESIGN.md §4).
        .target(name: "CCurlShim", path: "Sources/CCurlShim"),
        // libpq likewise, and only when a daemon's queue is on PostgreSQL.
        .target(name: "CPostgresShim", path: "Sources/CPostgresShim"),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML",
            providers: [.apt(["libyaml-dev"])]),

        .target(name: "OpenKoiCore", swiftSettings: strictSwift),
        .target(name: "OpenKoiProviders", dependencies: ["OpenKoiCore", "CCurlShim"], swiftSettings: strictSwift),
        .target(name: "OpenKoiTools", dependencies: ["OpenKoiCore"], swiftSettings: strictSwift),
        .target(name: "CVectorKernels", path: "Sources/CVectorKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "OpenKoiMemory", dependencies: ["OpenKoiCore", "CSQLite", "CVectorKernels"],
            swiftSettings: strictSwift, linkerSettings: staticInRelease("sqlite3")),
        .target(
            name: "OpenKoiSkills", dependencies: ["OpenKoiCore", "CYAML"], swiftSettings: strictSwift,
            linkerSettings: staticInRelease("yaml"),
            plugins: ["EmbedSkills"]),
        .target(
            name: "OpenKoiServer",
            dependencies: [
                "OpenKoiCore", "OpenKoiMemory", "OpenKoiProviders", "CPostgresShim",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strictSwift, plugins: ["EmbedOpenAPI"]),
        .target(
            name: "OpenKoiBench", dependencies: ["OpenKoiCore", "OpenKoiMemory", "OpenKoiTools"],
            swiftSettings: strictSwift),
        .target(
            name: "OpenKoiCLI",
            dependencies: [
                "OpenKoiCore", "OpenKoiProviders", "OpenKoiTools", "OpenKoiSkills", "OpenKoiMemory", "OpenKoiServer",
                "OpenKoiBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: strictSwift),
        .executableTarget(
            name: "openkoi", dependencies: ["OpenKoiCLI"], exclude: ["hot-functions.txt"],
            swiftSettings: strictSwift, linkerSettings: releaseLink),
        .target(
            name: "OpenKoiTesting", dependencies: ["OpenKoiCore", "OpenKoiProviders"], swiftSettings: strictSwift),

        // Build-time only: turns Skills/**/SKILL.md and docs/openapi.json into Swift string literals, so the
        // binary needs no resource files.
        .executableTarget(name: "SkillEmbedder", path: "Sources/SkillEmbedder"),
        .plugin(name: "EmbedSkills", capability: .buildTool(), dependencies: ["SkillEmbedder"]),
        .plugin(name: "EmbedOpenAPI", capability: .buildTool(), dependencies: ["SkillEmbedder"]),

        .testTarget(
            name: "OpenKoiCoreTests", dependencies: ["OpenKoiCore", "OpenKoiTesting"], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiProvidersTests", dependencies: ["OpenKoiProviders", "OpenKoiTesting"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiToolsTests", dependencies: ["OpenKoiTools", "OpenKoiTesting"], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiMemoryTests", dependencies: ["OpenKoiMemory", "OpenKoiTesting"], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiServerTests",
            dependencies: [
                "OpenKoiServer", "OpenKoiTesting", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiBenchTests", dependencies: ["OpenKoiBench", "OpenKoiTools", "OpenKoiTesting"],
            swiftSettings: strictSwift),
        .testTarget(name: "OpenKoiSkillsTests", dependencies: ["OpenKoiSkills"], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiCLITests", dependencies: ["OpenKoiCLI", "OpenKoiTools", "OpenKoiTesting"],
            swiftSettings: strictSwift),
    ]
)

/// Debian's `lib<name>.a` in release builds (one shared library fewer for the loader to map and bind
/// at every start), the shared library in debug builds.
func staticInRelease(_ name: String) -> [LinkerSetting] {
    [
        .linkedLibrary(name, .when(configuration: .debug)),
        .unsafeFlags(["-Xlinker", "-l:lib\(name).a"], .when(configuration: .release)),
    ]
}
