// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Sizer",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sizer", targets: ["sizer"]),
        .executable(name: "sizerd", targets: ["sizerd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        // Simulation child processes behind a framed pipe: spawn, deadlines, SIGKILL, recycling.
        .target(name: "WorkerPool"),
        // The child side: one libngspice per process, many evaluations.
        .target(name: "SimulationWorker", dependencies: ["SpiceEngine", "Circuits", "WorkerPool", "SizerCore"]),
        // Designs in, typed outcomes and rewards out, over the worker pool.
        .target(name: "Evaluation", dependencies: ["Circuits", "WorkerPool", "SizerCore"]),
        .executableTarget(name: "sizerd", dependencies: [
            "SimulationWorker",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "sizer", dependencies: [
            "Evaluation", "Circuits", "SizerCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Dense matrices, Cholesky, Adam: numerics shared by the policy and the Gaussian process.
        .target(name: "Linalg"),
        // Optimizers: the Optimizer protocol, random search, Bayesian optimization, TL-GRPO policies.
        .target(name: "Agent", dependencies: ["Linalg", "SizerCore"]),
        .target(name: "SizerTestSupport", dependencies: ["Circuits", "Evaluation", "WorkerPool"]),
        .testTarget(name: "SizerTests", dependencies: [
            "SizerCore", "Circuits", "SpiceEngine", "WorkerPool", "SimulationWorker", "Evaluation",
            "SizerTestSupport",
        ]),
        // Optimizer and numerics tests: no simulator, no processes.
        .testTarget(name: "AgentTests", dependencies: ["Agent", "Linalg", "SizerCore"]),
    ],
    swiftLanguageModes: [.v6]
)
