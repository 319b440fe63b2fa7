import Evaluation
import Foundation
import SizerTestSupport
import Testing
import WorkerPool

/// ngspice runs `~/.spiceinit` at start-up, and that file can run shell commands. Workers get a
/// private HOME and working directory, so nobody else's `.spiceinit` runs inside sizerd.
@Suite struct WorkerIsolationTests {
    @Test func aHostileSpiceinitInTheCallersHomeNeverRuns() async throws {
        // Given a HOME whose .spiceinit would create a marker file,
        let home = TestPaths.temporaryDirectory("hostile-home")
        let marker = home + "/spiceinit-ran"
        try "* hostile\nshell touch \(marker)\n".write(toFile: home + "/.spiceinit", atomically: true, encoding: .utf8)

        // (the control: plain ngspice with that HOME does run it, so the check below can fail)
        let control = Process()
        control.executableURL = URL(fileURLWithPath: "/usr/bin/ngspice")
        control.arguments = ["-b", home + "/deck.cir"]
        try "* deck\nr1 1 0 1k\nv1 1 0 1\n.op\n.end\n".write(toFile: home + "/deck.cir", atomically: true, encoding: .utf8)
        control.environment = ["HOME": home, "PATH": "/usr/bin:/bin"]
        control.currentDirectoryURL = URL(fileURLWithPath: "/")
        control.standardOutput = FileHandle.nullDevice
        control.standardError = FileHandle.nullDevice
        try control.run()
        control.waitUntilExit()
        try #require(FileManager.default.fileExists(atPath: marker), "ngspice did not run ~/.spiceinit; the test cannot tell")
        try FileManager.default.removeItem(atPath: marker)

        // when sizerd's workers are started with that HOME in their environment and evaluate a design,
        var launch = WorkerLaunch(executable: TestPaths.executable("sizerd"), arguments: ["worker"],
                                  workingDirectoryRoot: TestPaths.temporaryDirectory("isolated-workers"))
        launch.environment["HOME"] = home
        let pool = WorkerPool(configuration: .init(workers: 1), launch: launch)
        try await pool.start()
        let circuit = try TestPaths.circuit("ota_l1")
        let result = await PoolEvaluator(circuit: circuit, pool: pool)
            .evaluate([circuit.space.nominal], corners: [circuit.nominalCorner], targets: circuit.spec.defaultTargets)[0]
        await pool.shutdown()
        // then the evaluation works and the hostile file never ran.
        #expect(result.outcome == .ok)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
