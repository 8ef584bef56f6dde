// swift-tools-version:6.0
//
// Kabar: an offline bulletin mesh for village halls.
// No package dependencies, by design: a village node must rebuild from a copy of the
// source with no network. See README.md and Documentation/.
import PackageDescription

let package = Package(
    name: "Kabar",
    products: [
        .executable(name: "kabar", targets: ["kabar"]),
    ],
    dependencies: [],
    targets: [
        // SHA-256, SHA-512, Ed25519, CRC32C, hex, constant-time helpers. Standard library only.
        .target(name: "KabarCrypto"),
        // The pure protocol core: bulletins, validation, policy, store protocol, wire codec,
        // reconciliation, Node. No clock, no randomness, no IO.
        .target(name: "Kabar", dependencies: ["KabarCrypto"]),
        // Thin typed wrappers over Glibc: sockets, poll, files, clocks, getrandom, signals.
        .target(name: "KabarPlatform", dependencies: ["KabarCrypto"]),
        // A sans-IO HTTP/1.1 request parser and response serializer for the hall web board.
        // Standard library only: no Foundation, no Glibc, no clock.
        .target(name: "KabarHTTP"),
        // The real node: file store, daemon loop, control socket, config, REPL, and the node
        // service every front end asks (Documentation/Architecture.md), with its composition root.
        .target(name: "KabarNode", dependencies: ["Kabar", "KabarCrypto", "KabarHTTP", "KabarPlatform"]),
        // The discrete-event simulator that drives real Nodes over a virtual network.
        // Cross-module optimisation lets a client's `Simulation<Node>` be specialised: without it the
        // driver loop runs as unspecialised generic code, about a third slower.
        .target(
            name: "KabarSimulation", dependencies: ["Kabar", "KabarCrypto"], path: "Simulation/KabarSimulation",
            swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
        ),
        // Command-line parsing and every `kabar` command, benchmarks included: thin adapters
        // that send the node service typed requests and word its replies.
        .target(
            name: "KabarCLI",
            dependencies: ["Kabar", "KabarCrypto", "KabarPlatform", "KabarNode", "KabarSimulation"]
        ),
        .executableTarget(name: "kabar", dependencies: ["KabarCLI"]),

        .testTarget(name: "KabarCryptoTests", dependencies: ["KabarCrypto"], exclude: ["Vectors"]),
        .testTarget(name: "KabarTests", dependencies: ["Kabar", "KabarCrypto"]),
        .testTarget(name: "KabarHTTPTests", dependencies: ["KabarHTTP"]),
        .testTarget(name: "KabarPlatformTests", dependencies: ["KabarPlatform"]),
        .testTarget(name: "KabarNodeTests", dependencies: ["KabarNode", "Kabar", "KabarCrypto", "KabarPlatform", "KabarHTTP"]),
        .testTarget(name: "KabarSimulationTests", dependencies: ["KabarSimulation", "Kabar", "KabarCrypto"]),
        .testTarget(name: "KabarCLITests", dependencies: ["KabarCLI", "Kabar", "KabarCrypto", "KabarNode"]),
    ],
    swiftLanguageModes: [.v6]
)
