import Foundation
import SizerProtocol
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

/// `sizerd --specs DIR` serves a user's spec folder next to the built-in circuits.
@Suite struct UserSpecFolderTests {
    @Test func aUserCircuitIsServedAndSized() throws {
        // Given a folder with a user's copy of a built-in circuit under another name,
        let folder = TestPaths.temporaryDirectory("user-specs")
        try FileManager.default.createDirectory(atPath: folder + "/specs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/netlists", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.repository + "/netlists/ota_l1.cir",
                                         toPath: folder + "/netlists/ota_l1.cir")
        let spec = try String(contentsOfFile: TestPaths.repository + "/specs/ota_l1.json", encoding: .utf8)
        try spec.replacingOccurrences(of: #""name": "ota_l1""#, with: #""name": "my_ota""#)
            .write(toFile: folder + "/specs/my_ota.json", atomically: true, encoding: .utf8)
        // (a copy that kept the built-in's name would be refused: jobs find circuits by that name)
        try spec.write(toFile: folder + "/specs/misnamed.json", atomically: true, encoding: .utf8)
        // when sizerd serves it,
        let daemon = try DaemonProcess(workers: 1, extraArguments: ["--specs", folder + "/specs"])
        let client = try daemon.client()
        // then it is listed as a user circuit and evaluates,
        let listed = try client.call(CircuitsList.self, NoParams())
        #expect(listed.circuits.contains { $0.name == "my_ota" && !$0.builtIn })
        #expect(listed.circuits.contains { $0.name == "ota_l1" && $0.builtIn })
        #expect(!listed.circuits.contains { $0.name == "misnamed" })
        let evaluated = try client.call(Eval.self, .init(circuit: "my_ota", designs: [[:]]))
        #expect(evaluated.results.first?.outcome == .ok)
        let job = try client.call(JobsGet.self, JobID(id: evaluated.jobId))
        #expect(job.circuit == "my_ota")
        let misnamed = #expect(throws: RPCError.self) {
            try client.call(Eval.self, .init(circuit: "misnamed", designs: [[:]]))
        }
        #expect(misnamed?.message.contains("name the file ota_l1.json") == true)
        #expect(daemon.stop() == 0)
        // and a folder that does not exist is refused at start.
        let refused = try CommandRun.run("sizerd", ["--socket", folder + "/s.sock", "--db", folder + "/db.sqlite",
                                                    "--specs", folder + "/nowhere"], timeout: 60)
        #expect(refused.status != 0 && refused.stderr.contains("is not a folder"))
    }
}
