import Foundation
import SizerTestSupport
import Testing

/// `sizer bench load`: many clients against its own daemon; every job accounted for, no errors.
@Suite(.serialized) struct LoadBenchTests {
    @Test func tenClientsAccountForEveryJobWithoutErrors() throws {
        let run = try CommandRun.run("sizer", ["bench", "load", "--clients", "10", "--jobs", "40", "--json"], timeout: 300)
        #expect(run.status == 0, "sizer bench load exited \(run.status): \(run.stderr.suffix(2000))")
        let report = try #require(run.json, "not one JSON object on stdout: \(run.stdout.suffix(2000)) \(run.stderr.suffix(2000))")
        print("bench load: \(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(report["clients"] as? Int == 10)
        #expect(report["jobs"] as? Int == 40)
        #expect(report["jobs_accounted"] as? Int == 40)
        #expect(report["errors"] as? Int == 0, "stderr: \(run.stderr.suffix(2000))")
        // 10 clients x (hello + 4 rounds of submit, get, get, history, list + 4 read-backs), at least.
        let requests = try #require(report["requests"] as? Int)
        #expect(requests >= 10 + 40 * 5)
        let p50 = try #require(report["jobs_get_p50_ms"] as? Double)
        let p99 = try #require(report["jobs_get_p99_ms"] as? Double)
        let max = try #require(report["jobs_get_max_ms"] as? Double)
        #expect(p50 > 0)
        #expect(p50 <= p99)
        #expect(p99 <= max)
    }
}
