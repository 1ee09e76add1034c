// swift-tools-version: 6.1
import PackageDescription

/// Module layout follows ../shared/DESIGN.md §3: a dependency-free core, feature
/// libraries around it, and a thin executable.
let strictSwift: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "openkoi",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "openkoi", targets: ["openkoi"]),
        .library(name: "OpenKoiCore", targets: ["OpenKoiCore"]),
        .library(name: "OpenKoiProviders", targets: ["OpenKoiProviders"]),
        .library(name: "OpenKoiSkills", targets: ["OpenKoiSkills"]),
        .library(name: "OpenKoiMemory", targets: ["OpenKoiMemory"]),
        .library(name: "OpenKoiTesting", targets: ["OpenKoiTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // libcurl is dlopen()ed on first HTTP use: linking it costs every start 4–8 ms (DESIGN.md §4).
        .target(name: "CCurlShim", path: "Sources/CCurlShim"),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),

        .target(name: "OpenKoiCore", swiftSettings: strictSwift),
        .target(name: "OpenKoiProviders", dependencies: ["OpenKoiCore", "CCurlShim"], swiftSettings: strictSwift),
        .target(name: "OpenKoiTools", dependencies: ["OpenKoiCore"], swiftSettings: strictSwift),
        .target(name: "CVectorKernels", path: "Sources/CVectorKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(
            name: "OpenKoiMemory", dependencies: ["OpenKoiCore", "CSQLite", "CVectorKernels"], swiftSettings: strictSwift),
        .target(
            name: "OpenKoiSkills", dependencies: ["OpenKoiCore", "CYAML"], swiftSettings: strictSwift,
            plugins: ["EmbedSkills"]),
        .target(
            name: "OpenKoiCLI",
            dependencies: [
                "OpenKoiCore", "OpenKoiProviders", "OpenKoiTools", "OpenKoiSkills", "OpenKoiMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: strictSwift),
        .executableTarget(name: "openkoi", dependencies: ["OpenKoiCLI"], swiftSettings: strictSwift),
        .target(
            name: "OpenKoiTesting", dependencies: ["OpenKoiCore", "OpenKoiProviders"], swiftSettings: strictSwift),

        // Build-time only: turns Skills/**/SKILL.md into Swift string literals, so the binary needs no resource files.
        .executableTarget(name: "SkillEmbedder", path: "Sources/SkillEmbedder"),
        .plugin(name: "EmbedSkills", capability: .buildTool(), dependencies: ["SkillEmbedder"]),

        .testTarget(
            name: "OpenKoiCoreTests", dependencies: ["OpenKoiCore", "OpenKoiTesting"], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiProvidersTests", dependencies: ["OpenKoiProviders", "OpenKoiTesting"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiToolsTests", dependencies: ["OpenKoiTools", "OpenKoiTesting"], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiMemoryTests", dependencies: ["OpenKoiMemory", "OpenKoiTesting"], swiftSettings: strictSwift),
        .testTarget(name: "OpenKoiSkillsTests", dependencies: ["OpenKoiSkills"], swiftSettings: strictSwift),
        .testTarget(
            name: "OpenKoiCLITests", dependencies: ["OpenKoiCLI", "OpenKoiTools", "OpenKoiTesting"],
            swiftSettings: strictSwift),
    ]
)
