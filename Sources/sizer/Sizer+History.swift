import ArgumentParser
import Foundation
import SizerClient
import SizerProtocol

extension Sizer {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A job's turns: candidates, rewards, best reward so far and specs met.")

        @OptionGroup var runLog: RunLogOptions
        var connection: ConnectionOptions { runLog.connection }

        @Argument(help: "The job id.")
        var job: Int64

        func run() async throws {
            try reportingErrors {
                let history = try runLog.reader().history(job)
                if connection.json { try connection.printJSON(history); return }
                print("job \(history.job.id): \(history.job.circuit), \(history.job.optimizer), \(history.job.status.rawValue)")
                print("turn  cands   sims   turn best    best so far  met  outcomes")
                var best = -Double.infinity
                var sims = 0
                var met = false
                for turn in history.turns {
                    let rewards = turn.candidates.map(\.reward)
                    best = max(best, rewards.max() ?? best)
                    sims += turn.candidates.count
                    met = met || turn.candidates.contains(where: \.meetsAllSpecs)
                    let outcomes = Dictionary(grouping: turn.candidates, by: \.outcome.rawValue)
                        .map { "\($0.key):\($0.value.count)" }.sorted().joined(separator: " ")
                    print([JobText.pad("\(turn.turn)", 4, left: true), JobText.pad("\(turn.candidates.count)", 5, left: true),
                           JobText.pad("\(sims)", 6, left: true),
                           JobText.pad(JobText.reward(rewards.max()), 11, left: true),
                           JobText.pad(JobText.reward(best), 13, left: true),
                           JobText.pad(met ? "yes" : "no", 4, left: true), outcomes].joined(separator: "  "))
                }
                if let winner = history.turns.flatMap(\.candidates).max(by: { $0.reward < $1.reward }) {
                    print("best candidate: turn \(history.turns.first(where: { $0.candidates.contains(winner) })?.turn ?? -1), reward \(JobText.reward(winner.reward))")
                    print("  design  " + winner.design.keys.sorted().map { "\($0)=\(String(format: "%.4g", winner.design[$0]!))" }.joined(separator: " "))
                    for spec in winner.specs {
                        let value = spec.value.map { String(format: "%.4g", $0) } ?? "unmet"
                        print("  \(JobText.pad(spec.metric, 18)) \(JobText.pad(value, 11, left: true)) \(spec.bound == .lower ? ">=" : "<=") \(String(format: "%.4g", spec.target))  \(spec.met ? "PASS" : "FAIL")")
                    }
                }
            }
        }
    }
}
