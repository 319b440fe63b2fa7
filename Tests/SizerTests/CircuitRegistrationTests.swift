import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SizerTestSupport
import Testing

/// `circuits.register`: a client on another host sizes its own netlist; nothing unsafe, oversized
/// or conflicting is registered, even in part, and what is registered survives a restart.
@Suite struct CircuitRegistrationTests {
    static let netlist = (try? String(contentsOfFile: TestPaths.repository + "/netlists/ota_l1.cir", encoding: .utf8)) ?? ""

    /// ota_l1's spec under another name, as a client would send it.
    static func spec(named name: String) throws -> JSONValue {
        let text = try String(contentsOfFile: TestPaths.repository + "/specs/ota_l1.json", encoding: .utf8)
            .replacingOccurrences(of: #""name": "ota_l1""#, with: #""name": "\#(name)""#)
        return try SizerJSON.decoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func registeredCount(_ daemon: DaemonProcess) throws -> String {
        try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM registered_circuits")
    }

    static func refusal(_ body: () throws -> Void) -> RPCErrorCode? {
        do { try body() } catch let error as RPCError { return error.kind } catch { return nil }
        return nil
    }

    @Test func aRegisteredCircuitIsSizedAndSurvivesARestart() throws {
        // Given a daemon and a circuit it has never seen, sent inline,
        let daemon = try DaemonProcess(workers: 1)
        let client = try daemon.client()
        let registered = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "remote_ota"), netlist: Self.netlist))
        // then it is registered once, listed as a user circuit, and sized like any other.
        #expect(registered.name == "remote_ota" && registered.created)
        #expect(try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "remote_ota"), netlist: Self.netlist)).created == false)
        #expect(try client.call(CircuitsList.self, NoParams()).circuits.contains { $0.name == "remote_ota" && !$0.builtIn })
        let evaluated = try client.call(Eval.self, .init(circuit: "remote_ota", designs: [["ib": 3e-5]]))
        #expect(evaluated.results.first?.outcome == .ok)
        // When the daemon restarts on the same run log,
        #expect(daemon.stop() == 0)
        let restarted = try DaemonProcess(directory: daemon.directory, workers: 1)
        let again = try restarted.client()
        // then the circuit is still there, and the logged evaluation replays with no mismatch.
        #expect(try again.call(CircuitsDescribe.self, .init(circuit: "remote_ota")).specHash == registered.specHash)
        let replay = try again.call(JobsReplay.self, JobID(id: evaluated.jobId))
        #expect(replay.candidates == 1 && replay.mismatches == 0)
        #expect(try again.call(Eval.self, .init(circuit: "remote_ota", designs: [[:]])).results.first?.outcome == .ok)
        #expect(restarted.stop() == 0)
    }

    @Test func unsafeOversizedAndConflictingCircuitsAreRefusedWholly() throws {
        let daemon = try DaemonProcess(workers: 1)
        let client = try daemon.client()
        _ = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "mine"), netlist: Self.netlist))
        // A netlist that would reach a shell or the file system,
        for unsafe in [".control\nshell rm -rf /\n.endc\n", ".include /etc/passwd\n", ".lib \"/etc/passwd\" tt\n", "bx out 0 v={exec(1)}\n"] {
            #expect(Self.refusal {
                _ = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "unsafe"), netlist: Self.netlist + unsafe))
            } == .invalidParams)
        }
        // a built-in's name, the same name with another netlist, an oversized netlist, a spec that is not an object,
        #expect(Self.refusal {
            _ = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "ota_l1"), netlist: Self.netlist))
        } == .conflict)
        #expect(Self.refusal {
            _ = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "mine"), netlist: Self.netlist + "* changed\n"))
        } == .conflict)
        #expect(Self.refusal {
            let padding = String(repeating: "* padding\n", count: 30_000)
            _ = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "big"), netlist: Self.netlist + padding))
        } == .invalidParams)
        #expect(Self.refusal {
            _ = try client.call(CircuitsRegister.self, .init(spec: .string("mine"), netlist: Self.netlist))
        } == .invalidParams)
        // and a spec that does not check out are all refused, and nothing of them is kept.
        #expect(Self.refusal {
            _ = try client.call(CircuitsRegister.self, .init(spec: .object(["name": .string("empty")]), netlist: Self.netlist))
        } == .invalidParams)
        #expect(try Self.registeredCount(daemon) == "1")
        #expect(try client.call(CircuitsDescribe.self, .init(circuit: "mine")).specHash
                == (try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "mine"), netlist: Self.netlist)).specHash))
        #expect(daemon.stop() == 0)
    }

    @Test func oneConnectionMayRegisterOnlySoMany() throws {
        let daemon = try DaemonProcess(workers: 1)
        let client = try daemon.client()
        for index in 0..<CircuitsRegister.maxPerConnection {
            _ = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "c\(index)"), netlist: Self.netlist))
        }
        #expect(Self.refusal {
            _ = try client.call(CircuitsRegister.self, .init(spec: try Self.spec(named: "one_more"), netlist: Self.netlist))
        } == .overloaded)
        // Another connection still may.
        #expect(try daemon.client().call(CircuitsRegister.self, .init(spec: try Self.spec(named: "one_more"), netlist: Self.netlist)).created)
        #expect(try Self.registeredCount(daemon) == "\(CircuitsRegister.maxPerConnection + 1)")
        #expect(daemon.stop() == 0)
    }

    @Test func sizerSubmitSpecRegistersAndSubmits() throws {
        // Given a user's spec folder,
        let folder = TestPaths.temporaryDirectory("submit-spec")
        try FileManager.default.createDirectory(atPath: folder + "/specs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/netlists", withIntermediateDirectories: true)
        try Self.netlist.write(toFile: folder + "/netlists/ota_l1.cir", atomically: true, encoding: .utf8)
        let text = try String(contentsOfFile: TestPaths.repository + "/specs/ota_l1.json", encoding: .utf8)
            .replacingOccurrences(of: #""name": "ota_l1""#, with: #""name": "cli_ota""#)
        try text.write(toFile: folder + "/specs/cli_ota.json", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(workers: 1)
        // when `sizer submit --spec` sends it, then it is registered and a job is queued for it.
        let run = try CommandRun.run("sizer", ["submit", "--spec", folder + "/specs/cli_ota.json", "--optimizer", "random",
                                               "--budget", "4", "--socket", daemon.socketPath, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.json?["circuit"] as? String == "cli_ota")
        #expect(try Self.registeredCount(daemon) == "1")
        #expect(daemon.stop() == 0)
    }
}
