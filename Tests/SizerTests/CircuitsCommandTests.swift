import Foundation
import SizerTestSupport
import Testing

/// `sizer circuits` asks the daemon when one runs, reads local spec files otherwise, and says which.
@Suite struct CircuitsCommandTests {
    @Test func theListSaysWhereItCameFrom() throws {
        let daemon = try DaemonProcess(workers: 1)
        // Given a running daemon, the list is the daemon's,
        let served = try CommandRun.run("sizer", ["circuits", "--socket", daemon.socketPath, "--json"])
        #expect(served.status == 0, "\(served.stderr)")
        #expect(served.json?["source"] as? String == "daemon")
        let names = (served.json?["circuits"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names.contains("ota_l1") && names.contains("two_stage"))
        let text = try CommandRun.run("sizer", ["circuits", "--socket", daemon.socketPath])
        #expect(text.stdout.hasPrefix("circuits served by sizerd at \(daemon.socketPath)"))
        // --local reads the spec files even then, and without a daemon the files are read and it says why.
        let local = try CommandRun.run("sizer", ["circuits", "--socket", daemon.socketPath, "--local", "--json"])
        #expect(local.json?["source"] as? String == "local")
        #expect(daemon.stop() == 0)
        let alone = try CommandRun.run("sizer", ["circuits", "--socket", daemon.socketPath])
        #expect(alone.status == 0)
        #expect(alone.stdout.hasPrefix("circuits in local spec folders (no sizerd at \(daemon.socketPath))"))
        #expect(alone.stdout.contains("two_stage"))
    }
}
