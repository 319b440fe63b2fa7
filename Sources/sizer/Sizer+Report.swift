import ArgumentParser
import Foundation
import Plots
import SizerClient
import SizerProtocol

extension Sizer {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A job's convergence: best reward and every candidate's reward against simulations.")

        @OptionGroup var runLog: RunLogOptions
        var connection: ConnectionOptions { runLog.connection }

        @Argument(help: "The job id.")
        var job: Int64

        @Option(help: "Write the convergence plot as SVG to this file.")
        var svg: String?

        func run() async throws {
            let history = try reportingErrors { try runLog.reader().history(job) }
            let candidates = history.turns.flatMap(\.candidates)
            var best = -Double.infinity
            var bestCurve: [(x: Double, y: Double)] = []
            var all: [(x: Double, y: Double)] = []
            var met: [(x: Double, y: Double)] = []
            for (offset, candidate) in candidates.enumerated() {
                let simulation = Double(offset + 1)
                best = max(best, candidate.reward)
                bestCurve.append((simulation, best))
                all.append((simulation, candidate.reward))
                if candidate.meetsAllSpecs { met.append((simulation, candidate.reward)) }
            }
            if let svg {
                var plot = SVGPlot(title: "job \(job): \(history.job.circuit), \(history.job.optimizer)",
                                   xLabel: "simulations", yLabel: "reward")
                plot.series = [.init(name: "best so far", points: bestCurve),
                               .init(name: "candidate", points: all, markersOnly: true),
                               .init(name: "all specs met", points: met, markersOnly: true)]
                try plot.render().write(toFile: svg, atomically: true, encoding: .utf8)
            }
            if connection.json {
                try connection.printJSON(ConvergenceReport(job: history.job, bestReward: bestCurve.map(\.y),
                                                           rewards: all.map(\.y), metAt: met.map { Int($0.x) }))
            } else {
                print(JobText.summary(history.job))
                if let svg { print("convergence plot written to \(svg)") }
            }
        }
    }
}

struct ConvergenceReport: Codable {
    var job: JobInfo
    /// Best reward after 1, 2, ... simulations.
    var bestReward: [Double]
    var rewards: [Double]
    /// Simulations at which a candidate met every spec.
    var metAt: [Int]
}
