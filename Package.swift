// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Sizer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sizer", targets: ["sizer"]),
        .executable(name: "sizerd", targets: ["sizerd"]),
        .executable(name: "sizer-agent", targets: ["sizer-agent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Test only: generators and shrinking for the property tests.
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        // C shim for libngspice; holds no Swift.
        .systemLibrary(name: "CNgspice", pkgConfig: "ngspice", providers: [.apt(["libngspice0-dev"])]),
        // Values every module shares; no I/O, no dependencies.
        .target(name: "SizerCore"),
        // The one Swift type around libngspice.
        .target(name: "SpiceEngine", dependencies: ["CNgspice"]),
        // Spec files, netlist templates, variable mapping, measurements, sanity checks.
        .target(name: "Circuits", dependencies: ["SizerCore"]),
        // The parent-worker wire: simulation requests and responses and their byte form.
        .target(name: "SimulationWire", dependencies: ["Circuits", "SizerCore"]),
        // Deck writing: alter plan, expanded and bin-pruned decks, SPICE expressions, worker requests.
        .target(name: "SpiceDeck", dependencies: ["Circuits", "SimulationWire", "SizerCore"]),
        // Simulation child processes behind a framed pipe: spawn, deadlines, SIGKILL, recycling.
        .target(name: "WorkerPool"),
        // The child side: one libngspice per process, many evaluations.
        .target(name: "SimulationWorker", dependencies: ["SpiceEngine", "Circuits", "SimulationWire", "WorkerPool", "SizerCore"]),
        // Designs in, typed outcomes and rewards out, over the worker pool.
        .target(name: "Evaluation", dependencies: ["Circuits", "SpiceDeck", "SimulationWire", "WorkerPool", "SizerCore"]),
        // The wire: JSON-RPC envelope, params and results per method, error codes, the JSON coder.
        .target(name: "SizerProtocol", dependencies: ["SizerCore"]),
        // The run log: SQLite through GRDB; the only place with SQL.
        .target(name: "Store", dependencies: [
            "SizerCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The daemon: socket server, method dispatch, job queue and leases, services.
        .target(name: "Daemon", dependencies: [
            "SizerProtocol", "Store", "Evaluation", "Circuits", "SpiceDeck", "WorkerPool", "SizerCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Standalone SVG plots for reports and benchmarks.
        .target(name: "Plots"),
        // A blocking Unix-socket (or loopback TCP) client with one typed call per method.
        .target(name: "SizerClient", dependencies: ["SizerProtocol", "SizerCore"]),
        .executableTarget(name: "sizerd", dependencies: [
            "SimulationWorker", "Daemon", "SpiceDeck",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "sizer", dependencies: [
            "Evaluation", "Circuits", "SpiceDeck", "SizerCore", "SizerClient", "SizerProtocol", "Store", "Daemon", "WorkerPool", "Plots",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "sizer-agent", dependencies: [
            "Agent", "SizerClient", "SizerProtocol", "SizerCore", "Circuits", "Plots",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Dense matrices, Cholesky, Adam: numerics shared by the policy and the Gaussian process.
        .target(name: "Linalg"),
        // Optimizers: the Optimizer protocol, random search, Bayesian optimization, TL-GRPO policies.
        .target(name: "Agent", dependencies: ["Linalg", "SizerCore"]),
        .target(name: "SizerTestSupport", dependencies: ["Circuits", "Evaluation", "WorkerPool", "SizerClient"]),
        .testTarget(name: "SizerTests", dependencies: [
            "SizerCore", "Circuits", "SpiceDeck", "SimulationWire", "SpiceEngine", "WorkerPool", "SimulationWorker", "Evaluation",
            "SizerTestSupport", "SizerProtocol", "SizerClient", "Store", "Daemon", "Agent", "Plots",
        ]),
        // Optimizer and numerics tests: no simulator, no processes.
        .testTarget(name: "AgentTests", dependencies: ["Agent", "Linalg", "SizerCore"]),
        // Property-based tests of the spec parser and the design-vector mapping: no simulator, no processes.
        .testTarget(name: "PropertyTests", dependencies: [
            "Circuits", "SizerCore",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
