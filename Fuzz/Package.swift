// swift-tools-version:5.4
// 5.4 on purpose: from 5.5 on, SwiftPM links executables with `main` renamed to `<Module>_main`
// (for testable executables), and this one has no main of its own — libFuzzer supplies it.
import PackageDescription

/// libFuzzer targets for every parser that reads outside input, kept in their own package so the main
/// build never links them (they have no `main` of their own: libFuzzer supplies it). Build and run
/// with `scripts/fuzz.sh`, which instruments every target (AddressSanitizer and coverage).
let package = Package(
    name: "OpenKoiFuzz",
    dependencies: [.package(name: "openkoi", path: "..")],
    targets: [
        .executableTarget(
            name: "ParserFuzzer",
            dependencies: [
                .product(name: "OpenKoiCore", package: "openkoi"),
                .product(name: "OpenKoiProviders", package: "openkoi"),
                .product(name: "OpenKoiSkills", package: "openkoi"),
            ],
            path: "ParserFuzzer",
            // libFuzzer's runtime (and its `main`) goes into this executable only; the libraries are
            // instrumented for coverage by the flags scripts/fuzz.sh passes to every target.
            swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])])
    ]
)
