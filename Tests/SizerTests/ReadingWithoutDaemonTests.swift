import Foundation
import SizerClient
import SizerProtocol
import SizerTestSupport
import Testing

/// The reading commands with `--db FILE`: a finished run read and plotted after its daemon stopped.
@Suite struct ReadingWithoutDaemonTests {
    @Test func statusJobsHistoryAndReportReadTheFileAsTheDaemonServedIt() throws {
        // Given a job run to its end through a daemon, and what the daemon said of it,
        let daemon = try DaemonProcess()
        let socket = ["--socket", daemon.socketPath]
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 6, groupSize: 3))
        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "reader", arguments: ["--until-idle"],
                                     directory: daemon.directory)
        #expect(agent.wait(timeout: 300) == 0, "\(agent.log)")
        let served = try CommandRun.run("sizer", ["history", "\(job.id)", "--json"] + socket)
        let servedStatus = try CommandRun.run("sizer", ["status", "\(job.id)", "--json"] + socket)
        #expect(served.status == 0 && servedStatus.status == 0)
        // when the daemon has stopped,
        #expect(daemon.stop() == 0)
        let db = ["--db", daemon.databasePath]
        // then the file gives the same status and history, byte for byte,
        let status = try CommandRun.run("sizer", ["status", "\(job.id)", "--json"] + db)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout == servedStatus.stdout)
        let history = try CommandRun.run("sizer", ["history", "\(job.id)", "--json"] + db)
        #expect(history.stdout == served.stdout)
        #expect(history.json?["turns"] as? [Any] != nil)
        // lists it, and plots it.
        let jobs = try CommandRun.run("sizer", ["jobs"] + db)
        #expect(jobs.status == 0 && jobs.stdout.contains("ota_l1"))
        let svg = daemon.directory + "/offline.svg"
        let report = try CommandRun.run("sizer", ["report", "\(job.id)", "--svg", svg] + db)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<polyline"))
        // A job the file does not hold, or a file that does not exist, is one clear line.
        let missing = try CommandRun.run("sizer", ["status", "999"] + db)
        #expect(missing.status == 1 && missing.stderr.contains("no job 999 in"))
        let nofile = try CommandRun.run("sizer", ["status", "1", "--db", daemon.directory + "/none.sqlite"])
        #expect(nofile.status == 1 && nofile.stderr.contains("no database at"))
    }
}
