import ArgumentParser
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

extension Sizer {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A job's status, best reward, specs met and simulations used.")

        @OptionGroup var runLog: RunLogOptions
        var connection: ConnectionOptions { runLog.connection }

        @Argument(help: "The job id.")
        var job: Int64

        func run() async throws {
            try reportingErrors {
                let info = try runLog.reader().job(job)
                if connection.json { try connection.printJSON(info) } else { print(JobText.summary(info)) }
            }
        }
    }

    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

        @OptionGroup var runLog: RunLogOptions
        var connection: ConnectionOptions { runLog.connection }

        @Option(help: "Only jobs with this status: queued, running, done, failed or cancelled.")
        var status: JobStatus?

        @Option(help: "At most this many jobs.")
        var limit = 20

        func run() async throws {
            try reportingErrors {
                let result = try runLog.reader().jobs(status: status, limit: limit)
                if connection.json { try connection.printJSON(result); return }
                print("   id  status     circuit          optimizer  sims        best     met  targets")
                for job in result.jobs {
                    print([JobText.pad("\(job.id)", 5, left: true), JobText.pad(job.status.rawValue, 9),
                           JobText.pad(job.circuit, 15), JobText.pad(job.optimizer, 9),
                           JobText.pad("\(job.simulationsUsed)/\(job.budget)", 10),
                           JobText.pad(JobText.reward(job.bestReward), 9, left: true),
                           JobText.pad(job.meetsAllSpecs ? "yes" : "no", 4, left: true), job.targetSource]
                        .joined(separator: "  "))
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running job.")

        @OptionGroup var connection: ConnectionOptions

        @Argument(help: "The job id.")
        var job: Int64

        func run() async throws {
            try reportingErrors {
                let info = try connection.connect().call(JobsCancel.self, JobID(id: job))
                if connection.json { try connection.printJSON(info) } else { print(JobText.summary(info)) }
            }
        }
    }
}

extension JobStatus: ExpressibleByArgument {}

/// Shared text formatting of jobs.
enum JobText {
    static func summary(_ job: JobInfo) -> String {
        let targets = job.targets.map { target -> String in
            let op = target.bound == .lower ? ">=" : "<="
            return "\(target.metric) \(op) \(String(format: "%.4g", target.target))"
        }
        let success = job.simulationsToSuccess.map { " (first after \($0) simulations)" } ?? ""
        let error = job.error.map { " — \($0)" } ?? ""
        var lines: [String] = []
        lines.append("job       \(job.id) (\(job.kind.rawValue))")
        lines.append("status    \(job.status.rawValue)" + error)
        lines.append("circuit   \(job.circuit), optimizer \(job.optimizer), group \(job.groupSize), seed \(job.seed)")
        lines.append("targets   \(job.targetSource): " + targets.joined(separator: ", "))
        lines.append("sims      \(job.simulationsUsed) of \(job.budget) in \(job.turns) turns")
        lines.append("best      \(reward(job.bestReward))")
        lines.append("specs met \(job.meetsAllSpecs ? "yes" : "no")" + success)
        if let agent = job.agent { lines.append("agent     \(agent)") }
        let queued = Date().timeIntervalSince1970 - job.createdAt
        if job.status == .queued, job.startedAt == nil, queued >= UnclaimedJob.firstNotice / .seconds(1) {
            lines.append("waiting   " + UnclaimedJob(jobId: job.id, queuedSeconds: queued).advice)
        }
        return lines.joined(separator: "\n")
    }

    static func reward(_ value: Double?) -> String {
        value.map { String(format: "%.4f", $0) } ?? "-"
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        guard text.count < width else { return text }
        let fill = String(repeating: " ", count: width - text.count)
        return left ? fill + text : text + fill
    }
}
